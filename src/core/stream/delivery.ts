// The durable side of audit streaming, used by the stream worker (src/stream/worker.ts): which
// destinations have work, the delivery lease, the next batch, and moving the cursor. Cursor moves
// and failures are deliberately not audit events: each would itself be an event to stream (an
// endless loop); the destination's configuration changes are audited instead.
import type { StoredEvent } from "../audit/append-event.ts";
import type { Queries, Store } from "../store.ts";
import type { StreamRow } from "./queries.ts";
import { streamWants, toStreamRecords, type StreamRecord } from "./stream-record.ts";

/** Destinations this node may deliver to now: enabled, behind the trail, out of backoff, lease free or ours. */
export async function streamsWithWork(q: Queries, owner: string, now: number): Promise<StreamRow[]> {
  const [rows, head] = await Promise.all([q.streams.all(), q.audit.head()]);
  const headSeq = head?.seq ?? 0;
  return rows.filter((r) => r.enabled && r.ackedSeq < headSeq && r.retryAt <= now && (r.leaseOwner === owner || r.leaseUntil < now));
}

/** Takes (or renews) the delivery lease of one destination; true when this node holds it. */
export function claimStream(store: Store, id: string, owner: string, now: number, leaseMs: number): Promise<boolean> {
  return store.write((tx) => tx.streams.claim(id, owner, now, now + leaseMs));
}

export function releaseStream(store: Store, id: string, owner: string): Promise<void> {
  return store.write((tx) => tx.streams.release(id, owner));
}

export interface StreamBatch {
  /** The seq the cursor started from and the last seq this batch covers (filtered-out events included). */
  readonly fromSeq: number;
  readonly toSeq: number;
  /** What the destination receives, in seq order (its filters applied, masked as for an auditor). */
  readonly records: readonly StreamRecord[];
}

/** The next batch after the destination's cursor, or null when it is caught up. */
export async function nextStreamBatch(q: Queries, row: Pick<StreamRow, "ackedSeq" | "eventTypes" | "projectIds">, limit: number): Promise<StreamBatch | null> {
  const events: StoredEvent[] = await q.audit.batch({ afterSeq: row.ackedSeq, upToSeq: null, since: null, limit });
  if (events.length === 0) return null;
  const records = await toStreamRecords(q, events.filter((e) => streamWants(row, e)));
  return { fromSeq: row.ackedSeq, toSeq: events[events.length - 1]!.seq, records };
}

/** Moves the cursor past an acknowledged batch and renews the lease; false when the lease was lost meanwhile. */
export function acknowledgeBatch(store: Store, input: { id: string; owner: string; batch: StreamBatch; now: number; leaseMs: number }): Promise<boolean> {
  const { id, owner, batch, now, leaseMs } = input;
  return store.write((tx) => tx.streams.advance({ id, owner, fromSeq: batch.fromSeq, toSeq: batch.toSeq, sent: batch.records.length, now, leaseUntil: now + leaseMs }));
}

/** Backoff after `failures` consecutive failures: 1 s doubling to at most 5 minutes. */
export function retryDelayMs(failures: number): number {
  return Math.min(300_000, 1000 * 2 ** Math.min(failures, 9));
}

/** Records a failed attempt (a short reason, never a secret) and releases the lease until the retry time. */
export function recordStreamFailure(store: Store, input: { id: string; owner: string; failures: number; error: string; now: number }): Promise<void> {
  const { id, owner, failures, error, now } = input;
  return store.write((tx) => tx.streams.failed({ id, owner, error: error.slice(0, 200), now, retryAt: now + retryDelayMs(failures) }));
}
