import { asc, count, desc, eq, sql } from "drizzle-orm";
import type { StoredEvent } from "../../core/audit/append-event.ts";
import type { AuditQueries, AuditVisibility } from "../../core/audit/queries.ts";
import { auditEvents, auditPurgeWindow, runs } from "../schema/index.ts";
import { lazy, p, pSet, type SqliteDb } from "./sqlite-db.ts";

const t = auditEvents;

/** The visibility placeholders: `scope` (all | project | own) and the reader's user id. */
function scopeParams(visibility: AuditVisibility): { scope: string; viewer: string | null } {
  return { scope: visibility.kind, viewer: visibility.kind === "all" ? null : visibility.userId };
}

/** Prepares the audit statements once for one connection. */
export function auditQueries(db: SqliteDb): AuditQueries {
  const head = lazy(() => db.select({ seq: t.seq, hash: t.hash }).from(t).orderBy(desc(t.seq)).limit(1).prepare());
  const insert = lazy(() => db.insert(t).values({
    seq: p("seq"), at: p("at"), type: p("type"), actorKind: p("actorKind"), actorId: p("actorId"), actorUserId: p("actorUserId"),
    runId: p("runId"), projectId: p("projectId"), subject: p("subject"), meta: p("meta"), prevHash: p("prevHash"), hash: p("hash"), traceParent: p("traceParent"),
  }).prepare());
  const total = lazy(() => db.select({ n: count() }).from(t).prepare());
  const hashAt = lazy(() => db.select({ hash: t.hash }).from(t).where(eq(t.seq, p("seq"))).prepare());
  const first = lazy(() => db.select({ seq: t.seq, prevHash: t.prevHash }).from(t).orderBy(asc(t.seq)).limit(1).prepare());
  const visible = sql`(${p("scope")} = 'all'
    OR (${p("scope")} = 'project' AND (${t.runId} IS NOT NULL OR ${t.projectId} IS NOT NULL OR ${t.actorUserId} = ${p("viewer")}))
    OR (${p("scope")} = 'own' AND (${t.actorUserId} = ${p("viewer")} OR ${t.runId} IN (SELECT ${runs.id} FROM ${runs} WHERE ${runs.ownerUserId} = ${p("viewer")}))))`;
  const filtered = sql`${visible}
    AND (${p("type")} IS NULL OR ${t.type} = ${p("type")})
    AND (${p("actor")} IS NULL OR ${t.actorId} = ${p("actor")} OR ${t.actorUserId} = ${p("actor")})
    AND (${p("runId")} IS NULL OR ${t.runId} = ${p("runId")})
    AND (${p("projectId")} IS NULL OR ${t.projectId} = ${p("projectId")})
    AND (${p("since")} IS NULL OR ${t.at} >= ${p("since")})
    AND (${p("until")} IS NULL OR ${t.at} < ${p("until")})`;
  const page = lazy(() => db.select().from(t).where(sql`${filtered}
    AND (${p("beforeSeq")} IS NULL OR ${t.seq} < ${p("beforeSeq")})`).orderBy(desc(t.seq)).limit(p("limit")).prepare());
  const countMatching = lazy(() => db.select({ n: count() }).from(t).where(filtered).prepare());
  const batch = lazy(() => db.select().from(t).where(sql`${t.seq} > ${p("afterSeq")}
    AND (${p("upToSeq")} IS NULL OR ${t.seq} <= ${p("upToSeq")})
    AND (${p("since")} IS NULL OR ${t.at} >= ${p("since")})`).orderBy(asc(t.seq)).limit(p("limit")).prepare());
  const batchMatching = lazy(() => db.select().from(t).where(sql`${filtered}
    AND ${t.seq} > ${p("afterSeq")} AND ${t.seq} <= ${p("upToSeq")}`).orderBy(asc(t.seq)).limit(p("limit")).prepare());
  const latestMetaOfType = lazy(() => db.select({ meta: t.meta }).from(t).where(eq(t.type, p("type"))).orderBy(desc(t.seq)).limit(1).prepare());
  const firstSeqSince = lazy(() => db.select({ seq: t.seq }).from(t).where(sql`${t.at} >= ${p("at")}`).orderBy(asc(t.seq)).limit(1).prepare());
  const setWindow = lazy(() => db.update(auditPurgeWindow).set({ open: pSet("open") }).where(eq(auditPurgeWindow.id, 1)).prepare());
  const deleteBefore = lazy(() => db.delete(t).where(sql`${t.seq} < ${p("seq")}`).prepare());
  return {
    head: async () => head.get(),
    insert: async (event: StoredEvent) => {
      await insert.run(event as unknown as Record<string, unknown>);
    },
    count: async () => (await total.get())?.n ?? 0,
    hashAt: async (seq) => (await hashAt.get({ seq }))?.hash,
    first: async () => first.get(),
    page: async (filter) => page.all({
      ...scopeParams(filter.visibility), type: filter.type, actor: filter.actor, runId: filter.runId, projectId: filter.projectId,
      since: filter.since, until: filter.until, beforeSeq: filter.beforeSeq, limit: filter.limit,
    }),
    countMatching: async (filter) => (await countMatching.get({
      ...scopeParams(filter.visibility), type: filter.type, actor: filter.actor, runId: filter.runId, projectId: filter.projectId, since: filter.since, until: filter.until,
    }))?.n ?? 0,
    batch: async (filter) => batch.all({ afterSeq: filter.afterSeq, upToSeq: filter.upToSeq, since: filter.since, limit: filter.limit }),
    batchMatching: async (filter) => await batchMatching.all({
      ...scopeParams(filter.visibility), type: filter.type, actor: filter.actor, runId: filter.runId, projectId: filter.projectId,
      since: filter.since, until: filter.until, afterSeq: filter.afterSeq, upToSeq: filter.upToSeq, limit: filter.limit,
    }),
    latestMetaOfType: async (type) => (await latestMetaOfType.get({ type }))?.meta,
    firstSeqSince: async (at) => (await firstSeqSince.get({ at }))?.seq,
    purgeBefore: async (seq) => {
      await setWindow.run({ open: 1 });
      const deleted = (await deleteBefore.run({ seq })) as unknown as { changes: number };
      await setWindow.run({ open: 0 });
      return deleted.changes;
    },
  };
}
