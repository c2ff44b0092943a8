import { desc } from "drizzle-orm";
import { auditEvents } from "../../db/schema/index.ts";
import type { Tx } from "../../db/store.ts";
import { hmacHex } from "../../lib/hash.ts";
import type { Actor, Ctx, PublishedEvent } from "../context.ts";
import type { EventType } from "./registry.ts";

/** Metadata values allowed in events: ids, kinds, counts, statuses. Never content. */
export type EventMetaValue = string | number | boolean | null | readonly string[] | readonly number[];
export type EventMeta = Readonly<Record<string, EventMetaValue>>;

export interface EventInput {
  readonly type: EventType;
  readonly runId?: string | null;
  readonly projectId?: string | null;
  readonly subject?: string | null;
  readonly meta?: EventMeta;
}

export interface StoredEvent {
  seq: number;
  at: number;
  type: string;
  actorKind: "human" | "agent" | "system";
  actorId: string | null;
  actorUserId: string | null;
  runId: string | null;
  projectId: string | null;
  subject: string | null;
  meta: string;
  prevHash: string;
  hash: string;
}

/** The hash of the (empty) chain's predecessor. */
export const GENESIS_HASH = "0".repeat(64);

/** Canonical text an event's hash covers: every field but the hash, in a fixed order. */
export function canonicalEvent(e: Omit<StoredEvent, "hash">): string {
  return JSON.stringify([e.seq, e.at, e.type, e.actorKind, e.actorId, e.actorUserId, e.runId, e.projectId, e.subject, e.meta, e.prevHash]);
}

export function eventHash(key: Uint8Array, e: Omit<StoredEvent, "hash">): string {
  return hmacHex(key, canonicalEvent(e));
}

function actorColumns(actor: Actor): Pick<StoredEvent, "actorKind" | "actorId" | "actorUserId"> {
  switch (actor.kind) {
    case "human":
      return { actorKind: "human", actorId: actor.userId, actorUserId: actor.userId };
    case "agent":
      return { actorKind: "agent", actorId: actor.keyId, actorUserId: actor.userId };
    case "system":
      return { actorKind: "system", actorId: null, actorUserId: null };
  }
}

/** Sorts keys so the stored metadata text (and therefore the hash) does not depend on call order. */
function canonicalMeta(meta: EventMeta | undefined): string {
  const sorted: Record<string, EventMetaValue> = {};
  for (const key of Object.keys(meta ?? {}).sort()) sorted[key] = meta![key]!;
  return JSON.stringify(sorted);
}

/**
 * Appends one event to the chain inside the caller's write transaction, so the event and the change
 * it records commit or fail together.
 */
export function appendEvent(tx: Tx, ctx: Pick<Ctx, "actor" | "clock" | "auditKey">, input: EventInput): StoredEvent {
  const last = tx.select({ seq: auditEvents.seq, hash: auditEvents.hash }).from(auditEvents).orderBy(desc(auditEvents.seq)).limit(1).get();
  const unhashed: Omit<StoredEvent, "hash"> = {
    seq: (last?.seq ?? 0) + 1,
    at: ctx.clock.now(),
    type: input.type,
    ...actorColumns(ctx.actor),
    runId: input.runId ?? null,
    projectId: input.projectId ?? null,
    subject: input.subject ?? null,
    meta: canonicalMeta(input.meta),
    prevHash: last?.hash ?? GENESIS_HASH,
  };
  const event: StoredEvent = { ...unhashed, hash: eventHash(ctx.auditKey, unhashed) };
  tx.insert(auditEvents).values(event).run();
  return event;
}

export function toPublished(e: StoredEvent): PublishedEvent {
  return { seq: e.seq, at: e.at, type: e.type, runId: e.runId, projectId: e.projectId, subject: e.subject };
}
