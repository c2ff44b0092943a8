// The fields every streamed audit event carries, named once for both encodings (syslog structured
// data and OTLP attributes) and for the README's table.
import type { StreamRecord } from "../core/stream/stream-record.ts";

/** The SD-ID of Railyard's structured data element (32473 is the enterprise number RFC 5612 reserves for examples and private use). */
export const SD_ID = "railyard@32473";

export interface StreamField {
  /** PARAM-NAME in the syslog structured data. */
  readonly sd: string;
  /** Attribute key in OTLP log records. */
  readonly otlp: string;
  readonly value: (r: StreamRecord) => string | number | null;
  readonly description: string;
}

export const STREAM_FIELDS: readonly StreamField[] = Object.freeze([
  { sd: "seq", otlp: "railyard.seq", value: (r) => r.seq, description: "The event's sequence number: gap-free and increasing; de-duplicate on it (delivery is at least once)." },
  { sd: "type", otlp: "railyard.type", value: (r) => r.type, description: "The event type (the README's event table), also the syslog MSGID and the OTLP event name." },
  { sd: "actorKind", otlp: "railyard.actor.kind", value: (r) => r.actorKind, description: "Who acted: human (a signed-in person), agent (a plugin key) or system." },
  { sd: "actorId", otlp: "railyard.actor.id", value: (r) => r.actorId, description: "The person's user id (usr_…) or the agent's key id (key_…); absent for the system." },
  { sd: "actorUserId", otlp: "railyard.actor.user_id", value: (r) => r.actorUserId, description: "The person acting, or the person an agent's key belongs to (usr_…; opaque after erasure)." },
  { sd: "runId", otlp: "railyard.run.id", value: (r) => r.runId, description: "The run the event belongs to (run_…), when it belongs to one." },
  { sd: "projectId", otlp: "railyard.project.id", value: (r) => r.projectId, description: "The project (prj_…), when the event belongs to one." },
  { sd: "subject", otlp: "railyard.subject", value: (r) => r.subject, description: "What the event is about: an id (checkpoint, key, user, module…) or a migration name; masked as for an auditor." },
  { sd: "hash", otlp: "railyard.hash", value: (r) => r.hash, description: "The event's chain hash (HMAC-SHA-256): compare with `railyard audit export` to prove the copy matches the trail." },
  { sd: "prevHash", otlp: "railyard.prev_hash", value: (r) => r.prevHash, description: "The previous event's hash (the chain link)." },
  { sd: "traceId", otlp: "(traceId)", value: (r) => r.traceId, description: "From the MCP request's W3C traceparent: the client's trace id (OTLP: the log record's traceId)." },
  { sd: "spanId", otlp: "(spanId)", value: (r) => r.spanId, description: "From the traceparent: the client's span that made the request (OTLP: the log record's spanId)." },
]);

/** The event as one self-contained JSON object (the syslog MSG and the OTLP body), ASCII only. */
export function recordJson(r: StreamRecord): string {
  const body = {
    seq: r.seq, at: new Date(r.at).toISOString(), type: r.type, actor: { kind: r.actorKind, id: r.actorId, userId: r.actorUserId },
    runId: r.runId, projectId: r.projectId, subject: r.subject, meta: r.meta, hash: r.hash, prevHash: r.prevHash, traceId: r.traceId, spanId: r.spanId,
  };
  // Non-ASCII escaped: the message is then plain ASCII and needs no UTF-8 byte-order mark (RFC 5424 §6.4).
  return JSON.stringify(body).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** Event types a SIEM should see as warnings: refusals, failures, violations and drift. */
export function isWarning(type: string): boolean {
  return /(_failed|_locked|_refused|\.rejected|\.blocked|\.violation|\.limited|drift\.detected|\.expired)$/.test(type) || type === "run.failed";
}
