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

/** Like `call`, for a list answered as a bare array that carries its total over all pages in the
 * `X-Total-Count` header (API keys, maintenance plans: ADR 44). */
export async function callPage<T>(
  promise: Promise<{ data?: T[]; error?: unknown; response: Response }>,
): Promise<{ items: T[]; total: number }> {
  let response: Response | undefined;
  const items = await call(
    promise.then((result) => {
      response = result.response;
      return result;
    }),
  );
  const header = response?.headers.get("X-Total-Count");
  return { items, total: header ? Number(header) : items.length };
}

/**
 * POST a command with its Idempotency-Key (made once per user action: a retry sends the same
 * key and the server answers with the first result). Resolves with the status and the parsed
 * body, whatever the status; rejects (as fetch does) only when the server can't be reached.
 */
export async function sendCommand(path: string, body: unknown, idempotencyKey: string): Promise<{ status: number; body: unknown }> {
  const response = await session.fetch(
    new Request(path, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json", "Idempotency-Key": idempotencyKey },
      body: JSON.stringify(body ?? {}),
    }),
  );
  const text = await response.text();
  let parsed: unknown = null;
  if (text) {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = text;
    }
  }
  return { status: response.status, body: parsed };
}
