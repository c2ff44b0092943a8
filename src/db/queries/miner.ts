import { and, asc, desc, eq, sql } from "drizzle-orm";
import type { MinerQueries } from "../../core/miner/queries.ts";
import { auditEvents, driftSignals, jobLeases, runbookProposals, runbookVersions, runs, users } from "../schema/index.ts";
import { lazy, p, pSet, type SqliteDb } from "./sqlite-db.ts";

/** Prepares the ritual miner's statements once for one connection. */
export function minerQueries(db: SqliteDb): MinerQueries {
  const e = auditEvents;
  const fields = { seq: e.seq, at: e.at, type: e.type, runId: e.runId, subject: e.subject, meta: e.meta };
  const eventsSince = lazy(() => db.select(fields).from(e)
    .where(sql`${e.type} IN (SELECT value FROM json_each(${p("types")})) AND ${e.at} >= ${p("since")} AND ${e.runId} IS NOT NULL`).orderBy(asc(e.seq)).prepare());
  const phaseMoves = lazy(() => db.select(fields).from(e)
    .where(sql`${e.runId} IN (SELECT value FROM json_each(${p("ids")})) AND ${e.type} = 'run.phase_advanced'`).orderBy(asc(e.seq)).prepare());
  const minedRuns = lazy(() => db.select({ id: runs.id, projectId: runs.projectId, ownerUserId: runs.ownerUserId, ownerRole: users.role, runbookId: runbookVersions.runbookId, phases: runbookVersions.phases })
    .from(runs).innerJoin(users, eq(users.id, runs.ownerUserId)).innerJoin(runbookVersions, eq(runbookVersions.id, runs.runbookVersionId))
    .where(sql`${runs.id} IN (SELECT value FROM json_each(${p("ids")}))`).prepare());
  const driftPaths = lazy(() => db.select({ id: driftSignals.id, path: driftSignals.path }).from(driftSignals)
    .where(sql`${driftSignals.id} IN (SELECT value FROM json_each(${p("ids")}))`).prepare());

  const r = runbookProposals;
  const list = lazy(() => db.select().from(r).where(sql`(${p("status")} IS NULL OR ${r.status} = ${p("status")})`).orderBy(desc(r.createdAt), desc(r.id)).limit(p("limit")).prepare());
  const byId = lazy(() => db.select().from(r).where(eq(r.id, p("id"))).prepare());
  const blocking = lazy(() => db.select().from(r)
    .where(sql`${r.pattern} = ${p("pattern")} AND (${r.status} IN ('open', 'awaiting_second') OR (${r.status} = 'dismissed' AND ${r.mutedUntil} > ${p("now")}))`)
    .orderBy(desc(r.createdAt)).limit(1).prepare());
  const insert = lazy(() => db.insert(r).values({
    id: p("id"), pattern: p("pattern"), rule: p("rule"), runbookId: p("runbookId"), projectId: p("projectId"), target: p("target"), baseVersionId: p("baseVersionId"),
    phases: p("phases"), module: p("module"), role: p("role"), fromLevel: p("fromLevel"), toLevel: p("toLevel"), changes: p("changes"), weakening: p("weakening"),
    evidence: p("evidence"), status: p("status"), createdAt: p("createdAt"), firstApprovedBy: p("firstApprovedBy"), decidedBy: p("decidedBy"), decidedAt: p("decidedAt"),
    decisionReason: p("decisionReason"), mutedUntil: p("mutedUntil"), versionId: p("versionId"),
  }).prepare());
  const decide = lazy(() => db.update(r).set({
    status: pSet("status"), firstApprovedBy: pSet("firstApprovedBy"), decidedBy: pSet("decidedBy"), decidedAt: pSet("decidedAt"),
    decisionReason: pSet("decisionReason"), mutedUntil: pSet("mutedUntil"), versionId: pSet("versionId"),
  }).where(and(eq(r.id, p("id")), eq(r.status, p("from")))).returning({ id: r.id }).prepare());

  const l = jobLeases;
  const seedLease = lazy(() => db.insert(l).values({ name: p("name"), holder: p("holder"), leaseUntil: 0, lastRunAt: null }).onConflictDoNothing().prepare());
  // The lease is taken only when it ran out (or is this holder's own): two nodes never mine at once.
  const takeLease = lazy(() => db.update(l).set({ holder: pSet("holder"), leaseUntil: pSet("until") })
    .where(sql`${l.name} = ${p("name")} AND (${l.leaseUntil} <= ${p("now")} OR ${l.holder} = ${p("holder")})`).returning({ name: l.name }).prepare());
  const releaseLease = lazy(() => db.update(l).set({ leaseUntil: 0, lastRunAt: pSet("now") }).where(and(eq(l.name, p("name")), eq(l.holder, p("holder")))).prepare());
  const lastRun = lazy(() => db.select({ at: l.lastRunAt }).from(l).where(eq(l.name, p("name"))).prepare());

  return {
    eventsSince: async (types, since) => eventsSince.all({ types: JSON.stringify(types), since }),
    phaseMoves: async (runIds) => phaseMoves.all({ ids: JSON.stringify(runIds) }),
    runs: async (runIds) => minedRuns.all({ ids: JSON.stringify(runIds) }),
    driftPaths: async (ids) => driftPaths.all({ ids: JSON.stringify(ids) }),
    proposals: async (status, limit) => list.all({ status, limit }),
    proposal: async (id) => byId.get({ id }),
    blocking: async (pattern, now) => blocking.get({ pattern, now }),
    insertProposal: async (row) => {
      await insert.run({ ...row });
    },
    decideProposal: async (id, from, decision) => (await decide.all({ id, from, ...decision })).length > 0,
    takeLease: async (name, holder, now, until) => {
      await seedLease.run({ name, holder });
      return (await takeLease.all({ name, holder, now, until })).length > 0;
    },
    releaseLease: async (name, holder, now) => {
      await releaseLease.run({ name, holder, now });
    },
    lastRunAt: async (name) => (await lastRun.get({ name }))?.at ?? null,
  };
}
