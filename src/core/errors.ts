/** The closed set of failure codes; each edge (HTTP, MCP, CLI) translates them in one place. */
export const ERROR_CODES = [
  "invalid", // the input is malformed or breaks a rule
  "unauthenticated", // no valid session or key
  "forbidden", // authenticated, but the role may not do this
  "not_found",
  "conflict", // the state does not allow it (duplicate, wrong lifecycle step)
  "gate_closed", // a runbook gate or missing evidence stops the move
  "scanner_blocked", // the scanner found PII or a secret
  "rate_limited",
  "too_large",
  "expired",
  "unavailable", // the database cannot be reached right now; nothing was acknowledged, retry
  "internal",
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/**
 * A failure the caller can act on. `message` is shown to people and agents as is: it must never
 * contain a secret, a stack trace or user content.
 */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** Safe, structured details (field names, ids, kinds), never values. */
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = "AppError";
  }
}

export const invalid = (message: string, details?: Record<string, unknown>) => new AppError("invalid", message, details);
export const forbidden = (message: string) => new AppError("forbidden", message);
export const notFound = (what: string) => new AppError("not_found", `${what} not found`);
export const conflict = (message: string) => new AppError("conflict", message);
