import { newId } from "../../lib/ids.ts";
import type { StreamKind } from "../../lib/stream-url.ts";
import type { Ctx } from "../context.ts";
import { conflict } from "../errors.ts";
import type { Tx } from "../store.ts";
import { transact, type Record } from "../transact.ts";
import { parseInput } from "../validate.ts";
import { requireStreamManager } from "./access.ts";
import type { StreamRow } from "./queries.ts";
import { StreamCreateInput, type StreamView } from "./schemas.ts";
import { checkCaPem, checkEventTypes, checkProjectIds, checkStreamUrl } from "./stream-config.ts";
import { streamLag, toStreamView } from "./stream-view.ts";

/** Enough for every SIEM a team runs, few enough that the worker's pass stays short. */
export const MAX_STREAMS = 20;

export interface NewStream {
  readonly name: string;
  readonly kind: StreamKind;
  readonly url: string;
  readonly caPem: string | null;
  readonly eventTypes: string[];
  readonly projectIds: string[];
  readonly enabled: boolean;
  readonly source: "api" | "flag";
  readonly startAt: "oldest" | "next";
}

/**
 * Inserts a destination inside the caller's write, with its cursor just before the oldest event
 * still retained (or at the newest one, for "next"), and records `audit_stream.created`.
 */
export async function insertStream(tx: Tx, record: Record, ctx: Ctx, spec: NewStream): Promise<StreamRow> {
  if ((await tx.streams.all()).length >= MAX_STREAMS) throw conflict(`at most ${MAX_STREAMS} audit-stream destinations; remove one first`);
  const [first, head] = await Promise.all([tx.audit.first(), tx.audit.head()]);
  const ackedSeq = spec.startAt === "next" ? (head?.seq ?? 0) : first ? first.seq - 1 : 0;
  const now = ctx.clock.now();
  const row: StreamRow = {
    id: newId("ast"), name: spec.name, kind: spec.kind, url: spec.url, caPem: spec.caPem, eventTypes: spec.eventTypes, projectIds: spec.projectIds,
    enabled: spec.enabled, source: spec.source, ackedSeq, ackedAt: null, delivered: 0, failures: 0, lastError: null, lastErrorAt: null,
    retryAt: 0, leaseOwner: null, leaseUntil: 0, createdAt: now, createdBy: ctx.actor.kind === "human" ? ctx.actor.userId : null, updatedAt: now,
  };
  await tx.streams.insert(row);
  await record({
    type: "audit_stream.created", subject: row.id,
    meta: { kind: row.kind, tls: row.url.startsWith("tls:") || row.url.startsWith("https:"), ca: row.caPem !== null, source: row.source, startAt: spec.startAt, fromSeq: ackedSeq + 1, eventTypes: row.eventTypes.length, projects: row.projectIds.length, enabled: row.enabled },
  });
  return row;
}

/** Adds an audit-stream destination (owner only). Delivery starts within a second of the commit. */
export async function createStream({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<StreamView> {
  requireStreamManager(ctx);
  const data = parseInput(StreamCreateInput, input);
  const address = checkStreamUrl(data.url);
  const caPem = checkCaPem(address, data.caPem ?? null);
  const eventTypes = checkEventTypes(data.eventTypes ?? []);
  return transact(ctx, async (tx, record) => {
    const projectIds = await checkProjectIds(tx, data.projectIds ?? []);
    const row = await insertStream(tx, record, ctx, {
      name: data.name, kind: address.kind, url: address.url, caPem, eventTypes, projectIds, enabled: data.enabled ?? true, source: "api", startAt: data.startAt ?? "oldest",
    });
    const head = await tx.audit.head();
    return toStreamView(row, await streamLag(tx, row, head?.seq ?? 0, ctx.clock.now()));
  });
}
