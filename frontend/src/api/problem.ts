import type { FieldError } from "./types";

/** An RFC 9457 problem+json answer from the API, or a network failure (status 0). */
export class ApiError extends Error {
  readonly status: number;
  readonly title: string;
  readonly detail: string;
  readonly errors: FieldError[];
  /** The whole problem document: its extension members (e.g. a bulk 412's `stale_ids`). */
  readonly body: Record<string, unknown>;

  constructor(status: number, body: unknown) {
    const problem = (body && typeof body === "object" ? body : {}) as Record<string, unknown>;
    const title = typeof problem.title === "string" ? problem.title : `HTTP ${status}`;
    const detail =
      typeof problem.detail === "string"
        ? problem.detail
        : status === 0
          ? "Could not reach the server. Check your connection and try again."
          : title;
    super(detail);
    this.name = "ApiError";
    this.status = status;
    this.title = title;
    this.detail = detail;
    this.body = problem;
    this.errors = Array.isArray(problem.errors)
      ? (problem.errors as Record<string, unknown>[]).map((e) => ({
          field: String(e.field ?? (Array.isArray(e.loc) ? e.loc.join(".") : "")),
          message: String(e.message ?? e.msg ?? "Invalid value"),
          type: typeof e.type === "string" ? e.type : undefined,
        }))
      : [];
  }

  /** The message for one input field ("title" matches "body.title"). */
  fieldError(name: string): string | undefined {
    return this.errors.find((e) => e.field === name || e.field.endsWith(`.${name}`))?.message;
  }
}

/**
 * What went wrong, in words: the caller's own sentence for the statuses it expects (`{ 429: "Too
 * many requests…" }`), else the problem's detail, else the error's message.
 */
export function errorMessage(
  error: unknown,
  byStatus: Readonly<Partial<Record<number, string>>> = {},
): string {
  if (error instanceof ApiError) return byStatus[error.status] ?? error.detail;
  if (error instanceof Error) return error.message;
  return "Something went wrong.";
}
