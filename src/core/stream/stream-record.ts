import { splitTraceParent } from "../../lib/trace-parent.ts";
import type { StoredEvent } from "../audit/append-event.ts";
import { maskText, scopeManifest, type ScopeManifest } from "../scope/manifest.ts";
import type { Queries } from "../store.ts";
import type { StreamRow } from "./queries.ts";

/**
 * One audit event as it leaves for a SIEM: the auditor's view of it (metadata only; free text and
 * paths masked with the auditor's scope manifest of the event's project) plus its trace context.
 */
export interface StreamRecord {
  readonly seq: number;
  readonly at: number;
  readonly type: string;
  readonly actorKind: "human" | "agent" | "system";
  readonly actorId: string | null;
  readonly actorUserId: string | null;
  readonly runId: string | null;
  readonly projectId: string | null;
  readonly subject: string | null;
  readonly meta: Readonly<Record<string, unknown>>;
  readonly hash: string;
  readonly prevHash: string;
  /** From the MCP request's traceparent (32 and 16 lower-case hex digits), or null. */
  readonly traceId: string | null;
  readonly spanId: string | null;
  readonly traceFlags: number | null;
}

/** Whether a destination's filters let `event` through (empty lists match everything). */
export function streamWants(stream: Pick<StreamRow, "eventTypes" | "projectIds">, event: Pick<StoredEvent, "type" | "projectId">): boolean {
  if (stream.eventTypes.length > 0 && !stream.eventTypes.some((f) => (f.endsWith(".*") ? event.type.startsWith(f.slice(0, -1)) : event.type === f))) return false;
  if (stream.projectIds.length > 0 && (event.projectId === null || !stream.projectIds.includes(event.projectId))) return false;
  return true;
}

function maskValue(manifest: ScopeManifest | null, value: unknown): unknown {
  if (typeof value === "string") return maskText(manifest, value);
  if (Array.isArray(value)) return value.map((item) => (typeof item === "string" ? maskText(manifest, item) : item));
  return value;
}

/**
 * Builds stream records for a batch of events, masking as the auditor role sees them: one scope
 * manifest per project in the batch (a deleted project has no modules left to hide).
 */
export async function toStreamRecords(q: Pick<Queries, "runs">, events: readonly StoredEvent[]): Promise<StreamRecord[]> {
  const manifests = new Map<string, ScopeManifest | null>();
  const manifestOf = async (projectId: string | null): Promise<ScopeManifest | null> => {
    if (projectId === null) return null;
    if (!manifests.has(projectId)) {
      manifests.set(projectId, await scopeManifest(q, { projectId, role: "auditor" }).catch(() => null));
    }
    return manifests.get(projectId)!;
  };
  const out: StreamRecord[] = [];
  for (const e of events) {
    const manifest = await manifestOf(e.projectId);
    let meta: Record<string, unknown> = {};
    try {
      meta = JSON.parse(e.meta) as Record<string, unknown>;
    } catch {
      // A damaged row still streams (its hash will not verify; `railyard audit verify` reports it).
    }
    const masked = Object.fromEntries(Object.entries(meta).map(([k, v]) => [k, maskValue(manifest, v)]));
    const trace = splitTraceParent(e.traceParent ?? null);
    out.push({
      seq: e.seq, at: e.at, type: e.type, actorKind: e.actorKind, actorId: e.actorId, actorUserId: e.actorUserId,
      runId: e.runId, projectId: e.projectId, subject: maskText(manifest, e.subject), meta: masked, hash: e.hash, prevHash: e.prevHash,
      traceId: trace?.traceId ?? null, spanId: trace?.spanId ?? null, traceFlags: trace ? Number.parseInt(trace.flags, 16) : null,
    });
  }
  return out;
}
