import createClient from "openapi-fetch";
import type { paths } from "./generated";
import { ApiError, toProblem } from "./problem";
import { session } from "../auth/session";

/** One typed client for every service under /api/v1, with the session's token and refresh. */
export const api = createClient<paths>({ baseUrl: "", fetch: (request) => session.fetch(request) });

/** openapi-fetch's result -> data, or an ApiError carrying the problem+json `detail`. */
export function unwrap<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.error !== undefined || !result.response.ok) {
    throw new ApiError(toProblem(result.response.status, result.error, result.response.statusText));
  }
  return result.data as T;
}

/** Like `unwrap`, but wraps network failures (fetch throwing) as ApiErrors too. */
export async function call<T>(promise: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  let result: { data?: T; error?: unknown; response: Response };
  try {
    result = await promise;
  } catch (e) {
    if (e instanceof ApiError) throw e;
    throw new ApiError(toProblem(0, null));
  }
  return unwrap(result);
}
