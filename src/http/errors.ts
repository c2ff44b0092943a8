import type { AppError, ErrorCode } from "../core/errors.ts";

/** The HTTP status of each core error code: the one translation table of the REST edge. */
export const HTTP_STATUS: Readonly<Record<ErrorCode, number>> = Object.freeze({
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  gate_closed: 409,
  scanner_blocked: 422,
  rate_limited: 429,
  too_large: 413,
  expired: 410,
  unavailable: 503,
  internal: 500,
});

/** The JSON error body every /api route returns: `{ error: { code, message } }`. */
export function errorResponse(code: ErrorCode, message: string, headers: Record<string, string> = {}, details?: Record<string, unknown>): Response {
  return Response.json({ error: { code, message, ...(details ? { details } : {}) } }, { status: HTTP_STATUS[code], headers });
}

export function appErrorResponse(error: AppError): Response {
  const headers: Record<string, string> = {};
  const retry = error.details?.retryAfterSeconds;
  if (typeof retry === "number") headers["retry-after"] = String(Math.ceil(retry));
  return errorResponse(error.code, error.message, headers, error.details);
}
