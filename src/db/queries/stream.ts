import { and, asc, eq, sql } from "drizzle-orm";
import type { StreamQueries, StreamRow } from "../../core/stream/queries.ts";
import { auditEvents, auditStreams } from "../schema/index.ts";
import { lazy, p, pSet, type SqliteDb } from "./sqlite-db.ts";

const t = auditStreams;

/** Prepares the audit-stream statements once for one connection. */
export function streamQueries(db: SqliteDb): StreamQueries {
  const all = lazy(() => db.select().from(t).orderBy(asc(t.createdAt), asc(t.id)).prepare());
  const byId = lazy(() => db.select().from(t).where(eq(t.id, p("id"))).prepare());
  const insert = lazy(() => db.insert(t).values({
    id: p("id"), name: p("name"), kind: p("kind"), url: p("url"), caPem: p("caPem"), eventTypes: p("eventTypes"), projectIds: p("projectIds"),
    enabled: p("enabled"), source: p("source"), ackedSeq: p("ackedSeq"), ackedAt: p("ackedAt"), delivered: p("delivered"), failures: p("failures"),
    lastError: p("lastError"), lastErrorAt: p("lastErrorAt"), retryAt: p("retryAt"), leaseOwner: p("leaseOwner"), leaseUntil: p("leaseUntil"),
    createdAt: p("createdAt"), createdBy: p("createdBy"), updatedAt: p("updatedAt"),
  }).prepare());
  const configure = lazy(() => db.update(t).set({
    name: pSet("name"), url: pSet("url"), caPem: pSet("caPem"), eventTypes: pSet("eventTypes"), projectIds: pSet("projectIds"), enabled: pSet("enabled"),
    updatedAt: pSet("updatedAt"), failures: 0, retryAt: 0,
  }).where(eq(t.id, p("id"))).prepare());
  const remove = lazy(() => db.delete(t).where(eq(t.id, p("id"))).prepare());
  // The lease: free when expired, or already ours (renewal). One statement, so two nodes racing
  // for it cannot both win.
  const claim = lazy(() => db.update(t).set({ leaseOwner: pSet("owner"), leaseUntil: pSet("until") })
    .where(and(eq(t.id, p("id")), eq(t.enabled, true), sql`(${t.leaseOwner} = ${p("owner")} OR ${t.leaseUntil} < ${p("now")})`))
    .returning({ id: t.id }).prepare());
  const release = lazy(() => db.update(t).set({ leaseOwner: null, leaseUntil: 0 }).where(and(eq(t.id, p("id")), eq(t.leaseOwner, p("owner")))).prepare());
  const advance = lazy(() => db.update(t).set({
    ackedSeq: pSet("toSeq"), ackedAt: pSet("now"), delivered: sql`${t.delivered} + ${p("sent")}`, failures: 0, leaseUntil: pSet("leaseUntil"),
  }).where(and(eq(t.id, p("id")), eq(t.leaseOwner, p("owner")), eq(t.ackedSeq, p("fromSeq")))).returning({ id: t.id }).prepare());
  const failed = lazy(() => db.update(t).set({
    failures: sql`${t.failures} + 1`, lastError: pSet("error"), lastErrorAt: pSet("now"), retryAt: pSet("retryAt"), leaseOwner: null, leaseUntil: 0,
  }).where(and(eq(t.id, p("id")), eq(t.leaseOwner, p("owner")))).prepare());
  const eventAtAfter = lazy(() => db.select({ at: auditEvents.at }).from(auditEvents).where(sql`${auditEvents.seq} > ${p("seq")}`).orderBy(asc(auditEvents.seq)).limit(1).prepare());
  return {
    all: async () => (await all.all()) as StreamRow[],
    byId: async (id) => (await byId.get({ id })) as StreamRow | undefined,
    insert: async (row) => {
      await insert.run({ ...row });
    },
    configure: async (id, config) => {
      await configure.run({ id, ...config });
    },
    remove: async (id) => {
      await remove.run({ id });
    },
    claim: async (id, owner, now, until) => (await claim.all({ id, owner, now, until })).length === 1,
    release: async (id, owner) => {
      await release.run({ id, owner });
    },
    advance: async (input) => (await advance.all({ ...input })).length === 1,
    failed: async (input) => {
      await failed.run({ ...input });
    },
    eventAtAfter: async (seq) => (await eventAtAfter.get({ seq }))?.at,
  };
}
