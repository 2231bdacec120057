/** RFC 9457 problem details as the services send them (application/problem+json). */
export interface Problem {
  type?: string;
  title?: string;
  status: number;
  detail?: string;
  code?: string;
  instance?: string;
  request_id?: string;
  errors?: { field: string; message: string; type?: string }[];
}

/** An API call that did not succeed; `message` is what a person should read. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly problem: Problem;

  constructor(problem: Problem) {
    super(problemMessage(problem));
    this.name = "ApiError";
    this.status = problem.status;
    this.code = problem.code ?? `http_${problem.status}`;
    this.problem = problem;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The `detail` of a problem, with the fields named when the request had invalid ones. */
export function problemMessage(problem: Problem): string {
  const detail = problem.detail?.trim() || problem.title?.trim() || `The server answered ${problem.status}.`;
  const fields = (problem.errors ?? [])
    .map((e) => `${e.field.replace(/^body\./, "")}: ${e.message}`)
    .filter((s) => s.length > 2);
  return fields.length ? `${detail} (${fields.join("; ")})` : detail;
}

/** Reads whatever came back (problem+json, other JSON, text or nothing) into a Problem. */
export function toProblem(status: number, body: unknown, statusText = ""): Problem {
  if (isRecord(body)) {
    const errors = Array.isArray(body.errors)
      ? body.errors.filter(isRecord).map((e) => ({
          field: String(e.field ?? ""),
          message: String(e.message ?? ""),
          type: typeof e.type === "string" ? e.type : undefined,
        }))
      : undefined;
    return {
      status: typeof body.status === "number" ? body.status : status,
      type: typeof body.type === "string" ? body.type : undefined,
      title: typeof body.title === "string" ? body.title : statusText || undefined,
      detail: typeof body.detail === "string" ? body.detail : undefined,
      code: typeof body.code === "string" ? body.code : undefined,
      instance: typeof body.instance === "string" ? body.instance : undefined,
      request_id: typeof body.request_id === "string" ? body.request_id : undefined,
      errors,
    };
  }
  if (typeof body === "string" && body.trim() && !body.trimStart().startsWith("<")) {
    return { status, detail: body.trim().slice(0, 300) };
  }
  if (status === 0) return { status, code: "network", detail: "The server can't be reached. Check the network and try again." };
  if (status === 502 || status === 503 || status === 504) {
    return { status, code: "unavailable", detail: "The service is not available right now. Try again in a moment." };
  }
  return { status, title: statusText || undefined };
}

/** A message for any error a query or mutation may throw. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof TypeError) return toProblem(0, null).detail ?? "Network error";
  if (error instanceof Error && error.message) return error.message;
  return "Something went wrong.";
}
