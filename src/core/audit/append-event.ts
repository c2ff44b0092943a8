import { hmacHex } from "../../lib/hash.ts";
import type { Actor, Ctx, PublishedEvent } from "../context.ts";
import { AppError } from "../errors.ts";
import type { Tx } from "../store.ts";
import { isEventType, type EventType } from "./registry.ts";

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
  /** The W3C traceparent of the MCP request that caused the event, or null. */
  traceParent: string | null;
}

/** The hash of the (empty) chain's predecessor. */
export const GENESIS_HASH = "0".repeat(64);

/**
 * Canonical text an event's hash covers: every field but the hash, in a fixed order. The
 * traceparent (added later) is covered too, as a twelfth element present only when the event has
 * one: events without it hash exactly as before, so chains written before the column existed still
 * verify, and a traceparent edited or added afterwards breaks the chain like any other edit.
 */
export function canonicalEvent(e: Omit<StoredEvent, "hash">): string {
  const fields: unknown[] = [e.seq, e.at, e.type, e.actorKind, e.actorId, e.actorUserId, e.runId, e.projectId, e.subject, e.meta, e.prevHash];
  if (e.traceParent !== null && e.traceParent !== undefined) fields.push(e.traceParent);
  return JSON.stringify(fields);
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

/** Bounds of event metadata: enough for ids, kinds, counts and statuses, too small for content. */
export const META_LIMITS = Object.freeze({ keys: 32, keyLength: 64, stringLength: 200, arrayItems: 50 });
const META_KEY = /^[A-Za-z][A-Za-z0-9_.]*$/;
// Content (file bodies, logs, prompts, stack traces) spans lines; ids, kinds and statuses never do.
const CONTROL_CHARS = /[\u0000-\u001f\u007f\u2028\u2029]/;

function refuseMeta(why: string): never {
  // A programming error in a verb, never user input: the write is refused so the change rolls back.
  throw new AppError("internal", `audit event refused: ${why}`);
}

function checkText(where: string, value: string): void {
  if (value.length > META_LIMITS.stringLength) refuseMeta(`${where} is longer than ${META_LIMITS.stringLength} characters`);
  if (CONTROL_CHARS.test(value)) refuseMeta(`${where} contains a line break or control character (looks like content)`);
}

/**
 * Refuses metadata that could carry content: at most 32 keys named like identifiers; strings of at
 * most 200 characters on one line; arrays of at most 50 strings or finite numbers; no nesting.
 */
export function checkEventInput(input: EventInput): void {
  if (!isEventType(input.type)) refuseMeta(`unknown event type ${JSON.stringify(String(input.type).slice(0, 64))}`);
  for (const [name, value] of [["runId", input.runId], ["projectId", input.projectId], ["subject", input.subject]] as const) {
    if (value !== undefined && value !== null) checkText(name, value);
  }
  const keys = Object.keys(input.meta ?? {});
  if (keys.length > META_LIMITS.keys) refuseMeta(`meta has more than ${META_LIMITS.keys} keys`);
  for (const key of keys) {
    if (key.length > META_LIMITS.keyLength || !META_KEY.test(key)) refuseMeta(`meta key ${JSON.stringify(key.slice(0, 64))} is not an identifier`);
    const value: unknown = input.meta![key];
    if (value === null || typeof value === "boolean") continue;
    if (typeof value === "number") {
      if (!Number.isFinite(value)) refuseMeta(`meta.${key} is not a finite number`);
    } else if (typeof value === "string") {
      checkText(`meta.${key}`, value);
    } else if (Array.isArray(value)) {
      if (value.length > META_LIMITS.arrayItems) refuseMeta(`meta.${key} has more than ${META_LIMITS.arrayItems} items`);
      for (const item of value as unknown[]) {
        if (typeof item === "string") checkText(`meta.${key}[]`, item);
        else if (typeof item !== "number" || !Number.isFinite(item)) refuseMeta(`meta.${key} holds something other than strings or numbers`);
      }
    } else {
      refuseMeta(`meta.${key} is not a string, number, boolean, null or flat array`);
    }
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
export async function appendEvent(tx: Tx, ctx: Pick<Ctx, "actor" | "clock" | "auditKey" | "traceParent">, input: EventInput): Promise<StoredEvent> {
  checkEventInput(input);
  const last = await tx.audit.head();
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
    traceParent: ctx.traceParent ?? null,
  };
  const event: StoredEvent = { ...unhashed, hash: eventHash(ctx.auditKey, unhashed) };
  await tx.audit.insert(event);
  return event;
}

export function toPublished(e: StoredEvent, lastInCommit = true): PublishedEvent {
  return { seq: e.seq, at: e.at, type: e.type, runId: e.runId, projectId: e.projectId, subject: e.subject, hash: e.hash, lastInCommit };
}
