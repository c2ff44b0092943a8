import type { Logger } from "pino";
import type { AnchorFile, Queries } from "../store.ts";
import { hmacHex, safeEqual } from "../../lib/hash.ts";
import type { PublishedEvent } from "../context.ts";

/**
 * The chain's HMAC proves every event it holds, but not that nothing was cut off the end: a
 * truncated chain is still a valid chain. So the head (last seq and hash) is also kept OUTSIDE the
 * database, in the store's anchor file (`audit.head` in the data dir), MACed with the audit key. Verification fails when the
 * database no longer holds the anchored event. It is written after each commit, so it may lag the
 * database (harmless) but never runs ahead of it.
 */

export interface AuditAnchor {
  readonly seq: number;
  readonly hash: string;
}

export type AnchorState = { readonly kind: "absent" } | { readonly kind: "forged" } | { readonly kind: "present"; readonly anchor: AuditAnchor };

function anchorMac(key: Uint8Array, seq: number, hash: string): string {
  return hmacHex(key, `railyard.audit.head|${seq}|${hash}`);
}

/** Reads the head anchor; `forged` when its MAC does not match (edited, or another key). */
export function readAuditAnchor(file: AnchorFile, key: Uint8Array): AnchorState {
  try {
    const text = file.load();
    if (text === null) return { kind: "absent" };
    const { seq, hash, mac } = JSON.parse(text) as { seq?: unknown; hash?: unknown; mac?: unknown };
    if (typeof seq !== "number" || !Number.isSafeInteger(seq) || typeof hash !== "string" || typeof mac !== "string") return { kind: "forged" };
    if (!safeEqual(mac, anchorMac(key, seq, hash))) return { kind: "forged" };
    return { kind: "present", anchor: { seq, hash } };
  } catch {
    return { kind: "forged" };
  }
}

/** Replaces the anchor. */
export function writeAuditAnchor(file: AnchorFile, key: Uint8Array, anchor: AuditAnchor): void {
  file.save(JSON.stringify({ seq: anchor.seq, hash: anchor.hash, mac: anchorMac(key, anchor.seq, anchor.hash) }));
}

/** Whether the database still holds the anchored event (an anchor older than the retained chain cannot be checked and passes). */
export async function anchorHeld(q: Queries, anchor: AuditAnchor): Promise<boolean> {
  const hash = await q.audit.hashAt(anchor.seq);
  if (hash !== undefined) return hash === anchor.hash;
  const first = await q.audit.first();
  return first !== undefined && anchor.seq < first.seq;
}

/**
 * A bus listener that moves the anchor forward after each committed event. If the database is
 * found behind the anchor (at start, or a seq going backwards), the anchor is frozen: it keeps
 * pointing at the lost head so verification keeps failing until an operator investigates.
 */
export async function createAnchorWriter(options: { file: AnchorFile; auditKey: Uint8Array; db: Queries; logger: Logger }): Promise<(event: PublishedEvent) => void> {
  const { file, auditKey, db, logger } = options;
  const state = readAuditAnchor(file, auditKey);
  let frozen = state.kind === "forged" || (state.kind === "present" && !(await anchorHeld(db, state.anchor)));
  let lastSeq = state.kind === "present" ? state.anchor.seq : 0;
  if (frozen) logger.error("the audit trail does not match its head anchor; run railyard audit verify");
  const suspicious = async (seq: number): Promise<void> => {
    // Another process may have moved the anchor past us; only a chain that lost the anchored event is suspicious.
    const current = readAuditAnchor(file, auditKey);
    if (current.kind === "present" && (await anchorHeld(db, current.anchor))) {
      lastSeq = Math.max(lastSeq, current.anchor.seq);
      return;
    }
    frozen = true;
    logger.error({ seq, anchored: lastSeq }, "audit sequence went backwards; the head anchor is frozen; run railyard audit verify");
  };
  return (event) => {
    // One anchor write per committed transaction: only its last event can be the head.
    if (frozen || event.lastInCommit === false) return;
    if (event.seq <= lastSeq) {
      void suspicious(event.seq).catch(() => {});
      return;
    }
    try {
      writeAuditAnchor(file, auditKey, { seq: event.seq, hash: event.hash });
      lastSeq = event.seq;
    } catch (error) {
      logger.error({ kind: (error as Error)?.name ?? "error" }, "could not write the audit head anchor");
    }
  };
}
