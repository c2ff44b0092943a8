import { eq, sql } from "drizzle-orm";
import { closeSync, constants, existsSync, openSync, readFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import type { Logger } from "pino";
import { auditEvents } from "../../db/schema/index.ts";
import type { Db } from "../../db/store.ts";
import { hmacHex, safeEqual } from "../../lib/hash.ts";
import type { PublishedEvent } from "../context.ts";

/**
 * The chain's HMAC proves every event it holds, but not that nothing was cut off the end: a
 * truncated chain is still a valid chain. So the head (last seq and hash) is also kept OUTSIDE the
 * database, in `audit.head` in the data dir, MACed with the audit key. Verification fails when the
 * database no longer holds the anchored event. It is written after each commit, so it may lag the
 * database (harmless) but never runs ahead of it.
 */
export const ANCHOR_FILE = "audit.head";

export interface AuditAnchor {
  readonly seq: number;
  readonly hash: string;
}

export type AnchorState = { readonly kind: "absent" } | { readonly kind: "forged" } | { readonly kind: "present"; readonly anchor: AuditAnchor };

function anchorMac(key: Uint8Array, seq: number, hash: string): string {
  return hmacHex(key, `railyard.audit.head|${seq}|${hash}`);
}

/** Reads the head anchor of `dataDir`; `forged` when its MAC does not match (edited, or another key). */
export function readAuditAnchor(dataDir: string, key: Uint8Array): AnchorState {
  const path = join(dataDir, ANCHOR_FILE);
  if (!existsSync(path)) return { kind: "absent" };
  try {
    const parsed = JSON.parse(readFileSync(path, "utf8")) as { seq?: unknown; hash?: unknown; mac?: unknown };
    const { seq, hash, mac } = parsed;
    if (typeof seq !== "number" || !Number.isSafeInteger(seq) || typeof hash !== "string" || typeof mac !== "string") return { kind: "forged" };
    if (!safeEqual(mac, anchorMac(key, seq, hash))) return { kind: "forged" };
    return { kind: "present", anchor: { seq, hash } };
  } catch {
    return { kind: "forged" };
  }
}

// Fixed length, so each update is one positioned write of one small block over the previous
// record: no rename, no fsync (after a power loss the anchor may lag the database, never lead it).
const ANCHOR_RECORD_BYTES = 256;

function anchorRecord(key: Uint8Array, anchor: AuditAnchor): Buffer {
  const text = JSON.stringify({ seq: anchor.seq, hash: anchor.hash, mac: anchorMac(key, anchor.seq, anchor.hash) });
  return Buffer.from(text.padEnd(ANCHOR_RECORD_BYTES - 1, " ") + "\n");
}

/** Replaces the anchor (creating the file 0600 if needed). */
export function writeAuditAnchor(dataDir: string, key: Uint8Array, anchor: AuditAnchor): void {
  // Not "w": truncating first would leave an empty file for a reader in between.
  const fd = openSync(join(dataDir, ANCHOR_FILE), constants.O_RDWR | constants.O_CREAT, 0o600);
  try {
    writeSync(fd, anchorRecord(key, anchor), 0, ANCHOR_RECORD_BYTES, 0);
  } finally {
    closeSync(fd);
  }
}

/** Whether the database still holds the anchored event (an anchor older than the retained chain cannot be checked and passes). */
export function anchorHeld(db: Db, anchor: AuditAnchor): boolean {
  const row = db.select({ hash: auditEvents.hash }).from(auditEvents).where(eq(auditEvents.seq, anchor.seq)).get();
  if (row) return row.hash === anchor.hash;
  const first = db.select({ seq: auditEvents.seq }).from(auditEvents).orderBy(auditEvents.seq).limit(1).get();
  return first !== undefined && anchor.seq < first.seq;
}

/**
 * A bus listener that moves the anchor forward after each committed event. If the database is
 * found behind the anchor (at start, or a seq going backwards), the anchor is frozen: it keeps
 * pointing at the lost head so verification keeps failing until an operator investigates.
 */
export function createAnchorWriter(options: { dataDir: string; auditKey: Uint8Array; db: Db; logger: Logger }): (event: PublishedEvent) => void {
  const { dataDir, auditKey, db, logger } = options;
  const state = readAuditAnchor(dataDir, auditKey);
  let frozen = state.kind === "forged" || (state.kind === "present" && !anchorHeld(db, state.anchor));
  let lastSeq = state.kind === "present" ? state.anchor.seq : 0;
  if (frozen) logger.error({ anchor: ANCHOR_FILE }, "the audit trail does not match its head anchor; run railyard audit verify");
  const hashAt = db.select({ hash: auditEvents.hash }).from(auditEvents).where(eq(auditEvents.seq, sql.placeholder("seq"))).prepare();
  return (event) => {
    // One anchor write per committed transaction: only its last event can be the head.
    if (frozen || event.lastInCommit === false) return;
    if (event.seq <= lastSeq) {
      // Another process may have moved the anchor past us; only a chain that lost the anchored event is suspicious.
      const current = readAuditAnchor(dataDir, auditKey);
      if (current.kind === "present" && anchorHeld(db, current.anchor)) {
        lastSeq = Math.max(lastSeq, current.anchor.seq);
        return;
      }
      frozen = true;
      logger.error({ seq: event.seq, anchored: lastSeq }, "audit sequence went backwards; the head anchor is frozen; run railyard audit verify");
      return;
    }
    const row = hashAt.get({ seq: event.seq });
    if (!row) return;
    try {
      writeAuditAnchor(dataDir, auditKey, { seq: event.seq, hash: row.hash });
      lastSeq = event.seq;
    } catch (error) {
      logger.error({ kind: (error as Error)?.name ?? "error" }, "could not write the audit head anchor");
    }
  };
}
