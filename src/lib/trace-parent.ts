// W3C Trace Context (https://www.w3.org/TR/trace-context/): the `traceparent` header value an MCP
// client sends in params._meta, so the events a request causes line up with the client's traces.

/** A traceparent split into its parts (all lower-case hex). */
export interface TraceParent {
  readonly version: string;
  readonly traceId: string;
  readonly spanId: string;
  readonly flags: string;
}

// Version 00 is exactly this; later versions may append fields after a dash, which we drop.
const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(?:-[\x21-\x7e]*)?$/;

/**
 * The traceparent in its version-00 form, or null when `value` is not a valid one. Invalid values
 * are ignored, as the specification tells receivers to: version ff, an all-zero trace or parent
 * id, upper-case hex, anything longer than 256 characters.
 */
export function normalizeTraceParent(value: unknown): string | null {
  if (typeof value !== "string" || value.length > 256) return null;
  const m = TRACEPARENT.exec(value);
  if (!m) return null;
  const [, version, traceId, spanId, flags] = m as unknown as [string, string, string, string, string];
  if (version === "ff" || (version === "00" && value.length !== 55)) return null;
  if (/^0+$/.test(traceId) || /^0+$/.test(spanId)) return null;
  return `00-${traceId}-${spanId}-${flags}`;
}

/** The parts of a stored (normalized) traceparent, or null. */
export function splitTraceParent(value: string | null): TraceParent | null {
  if (value === null) return null;
  const m = TRACEPARENT.exec(value);
  return m ? { version: m[1]!, traceId: m[2]!, spanId: m[3]!, flags: m[4]! } : null;
}
