import type { Queries } from "../store.ts";
import type { AnchorState } from "./anchor.ts";
import { eventHash, GENESIS_HASH, type StoredEvent } from "./append-event.ts";

export type VerifyResult =
  | { readonly intact: true; readonly count: number; readonly firstSeq: number; readonly lastSeq: number; readonly anchor: "checked" | "absent" | "predates_chain" }
  | { readonly intact: false; readonly brokenAt: number; readonly reason: string };

const BATCH = 1000;

/**
 * Where the retained chain starts: seq 1 after the genesis hash, or the first event left by a
 * retention purge, whose `retention.purged` event recorded that event's seq and previous hash.
 */
async function chainStart(q: Queries, first: { seq: number; prevHash: string }): Promise<{ prevHash: string } | { reason: string }> {
  if (first.seq === 1) return { prevHash: GENESIS_HASH };
  const purgeMeta = await q.audit.latestMetaOfType("retention.purged");
  if (purgeMeta === undefined) return { reason: `events before seq ${first.seq} are missing and no retention purge accounts for them` };
  let meta: { firstSeq?: unknown; firstPrevHash?: unknown };
  try {
    meta = JSON.parse(purgeMeta);
  } catch {
    return { reason: "the latest retention.purged event has unreadable metadata" };
  }
  if (meta.firstSeq !== first.seq || typeof meta.firstPrevHash !== "string") {
    return { reason: `events before seq ${first.seq} are missing; the latest retention purge anchored seq ${String(meta.firstSeq)}` };
  }
  return { prevHash: meta.firstPrevHash };
}

/**
 * Verifies the hash chain in seq order, reading in batches so memory stays flat however long the
 * trail. Finds edits, deletions, insertions and reordering (every event's HMAC covers its seq and
 * its predecessor's hash) and, given the head anchor kept outside the database, a truncated tail.
 */
export async function verifyAudit(q: Queries, auditKey: Uint8Array, options: { anchor?: AnchorState } = {}): Promise<VerifyResult> {
  const anchor = options.anchor ?? { kind: "absent" };
  if (anchor.kind === "forged") return { intact: false, brokenAt: 0, reason: "the head anchor file (audit.head) was edited or made with another key" };
  const first = await q.audit.first();
  if (!first) {
    if (anchor.kind === "present") return { intact: false, brokenAt: 1, reason: `the trail is empty but its head anchor records seq ${anchor.anchor.seq}` };
    return { intact: true, count: 0, firstSeq: 0, lastSeq: 0, anchor: "absent" };
  }
  const start = await chainStart(q, first);
  if ("reason" in start) return { intact: false, brokenAt: first.seq, reason: start.reason };

  let expectedSeq = first.seq;
  let prevHash = start.prevHash;
  let count = 0;
  let anchorMatched = false;
  for await (const rows of auditBatches(q, { afterSeq: expectedSeq - 1 })) {
    for (const row of rows) {
      if (row.seq !== expectedSeq) return { intact: false, brokenAt: expectedSeq, reason: `event ${expectedSeq} is missing (next present: ${row.seq})` };
      if (row.prevHash !== prevHash) return { intact: false, brokenAt: row.seq, reason: "its previous hash does not match the event before it (deleted, inserted or reordered events)" };
      const { hash, ...unhashed } = row;
      if (eventHash(auditKey, unhashed) !== hash) return { intact: false, brokenAt: row.seq, reason: "its hash does not match its content (edited or forged)" };
      if (anchor.kind === "present" && anchor.anchor.seq === row.seq) {
        if (anchor.anchor.hash !== hash) return { intact: false, brokenAt: row.seq, reason: "it differs from the event recorded in the head anchor (the tail was replaced)" };
        anchorMatched = true;
      }
      prevHash = hash;
      expectedSeq++;
      count++;
    }
  }
  const lastSeq = expectedSeq - 1;
  if (anchor.kind === "present" && anchor.anchor.seq > lastSeq) {
    return { intact: false, brokenAt: lastSeq + 1, reason: `events after seq ${lastSeq} are missing: the head anchor records seq ${anchor.anchor.seq} (truncated tail)` };
  }
  return { intact: true, count, firstSeq: first.seq, lastSeq, anchor: anchorMatched ? "checked" : anchor.kind === "present" ? "predates_chain" : "absent" };
}

/** Rows of the trail in seq order after `afterSeq`, in batches (for streaming exports). */
export async function* auditBatches(q: Queries, options: { afterSeq?: number; since?: number; upToSeq?: number; batch?: number } = {}): AsyncGenerator<StoredEvent[]> {
  let afterSeq = options.afterSeq ?? 0;
  const limit = options.batch ?? BATCH;
  for (;;) {
    const rows = await q.audit.batch({ afterSeq, upToSeq: options.upToSeq ?? null, since: options.since ?? null, limit });
    if (rows.length === 0) return;
    yield rows;
    if (rows.length < limit) return;
    afterSeq = rows[rows.length - 1]!.seq;
  }
}
