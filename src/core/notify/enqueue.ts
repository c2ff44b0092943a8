import { newId } from "../../lib/ids.ts";
import type { StoredEvent } from "../audit/append-event.ts";
import type { Tx } from "../store.ts";
import type { NotifyKind } from "./schemas.ts";

/** The audit events that notify someone, and as what. */
const NOTIFIABLE: Readonly<Record<string, NotifyKind>> = Object.freeze({
  "checkpoint.requested": "checkpoint.requested",
  "checkpoint.approved": "checkpoint.decided",
  "checkpoint.rejected": "checkpoint.decided",
  "run.failed": "run.failed",
  "run.blocked": "run.blocked",
  "scope.violation": "scope.violation",
  "drift.detected": "drift.detected",
  "budget.threshold_reached": "budget.threshold",
  "runbook_proposal.created": "runbook.proposal",
});

// Metadata the message may use: kinds and statuses, never paths or text.
const KEPT_META = ["why", "kind", "access", "action", "scope", "rule"] as const;

/**
 * Writes the outbox row for a notifiable event, in the event's own transaction: the event and
 * the promise to tell people about it commit together or not at all (a crash after the commit
 * loses nothing; the worker finds the row). Other events cost nothing; without an enabled
 * channel no row is written.
 */
export async function enqueueNotification(tx: Tx, event: StoredEvent): Promise<void> {
  const kind = NOTIFIABLE[event.type];
  if (kind === undefined || !(await tx.notify.anyEnabledChannel())) return;
  const meta = JSON.parse(event.meta) as Record<string, unknown>;
  const kept: Record<string, unknown> = {};
  for (const key of KEPT_META) if (typeof meta[key] === "string") kept[key] = meta[key];
  if (typeof meta.percent === "number") kept.percent = meta.percent;
  if (event.type === "checkpoint.approved" || event.type === "checkpoint.rejected") kept.status = event.type.slice("checkpoint.".length);
  const checkpointId = event.type.startsWith("checkpoint.") ? event.subject : typeof meta.checkpointId === "string" ? meta.checkpointId : null;
  await tx.notify.insertOutbox({
    id: newId("nob"), kind, eventSeq: event.seq, runId: event.runId, projectId: event.projectId, checkpointId,
    meta: kept, dedupeKey: null, occurredAt: event.at, expandedAt: null,
  });
}
