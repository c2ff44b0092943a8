import { and, asc, desc, eq, gte, sql, type SQL } from "drizzle-orm";
import type { CheckpointQueries, ExpiredCheckpoint, RunEvidencePath } from "../../core/checkpoint/queries.ts";
import { builds, checkpoints, driftSignals, fileReports, runs, users } from "../schema/index.ts";
import { lazy, p, pSet, type SqliteDb } from "./sqlite-db.ts";

// Placeholders in set() are wrapped in sql`` (drizzle's types do not take bare placeholders there);
// these columns are plain text and integers, so they need no encoding.

/** Prepares the checkpoint statements once for one connection. */
export function checkpointQueries(db: SqliteDb): CheckpointQueries {
  const t = checkpoints;
  const byId = lazy(() => db.select().from(t).where(eq(t.id, p("id"))).prepare());
  const withRun = lazy(() => db.select({ ck: t, ownerUserId: runs.ownerUserId, projectId: runs.projectId, runStatus: runs.status })
    .from(t).innerJoin(runs, eq(runs.id, t.runId)).where(eq(t.id, p("id"))).prepare());
  // The sort key: the pending queue is worked soonest-expiring first; history reads newest first.
  const sortKey = sql`(CASE WHEN ${p("status")} = 'pending' THEN ${t.expiresAt} ELSE -${t.requestedAt} END)`;
  // The decider's name by a correlated subquery (users is already joined as the run's owner).
  const deciderName = sql<string | null>`(SELECT d.name FROM ${users} d WHERE d.id = ${t.decidedBy})`;
  const queue = lazy(() => db.select({ ck: t, runTitle: runs.title, projectId: runs.projectId, ownerId: runs.ownerUserId, ownerName: users.name, deciderName })
    .from(t).innerJoin(runs, eq(runs.id, t.runId)).innerJoin(users, eq(users.id, runs.ownerUserId))
    .where(sql`(${p("status")} IS NULL OR ${t.status} = ${p("status")})
      AND (${p("afterKey")} IS NULL OR ${sortKey} > ${p("afterKey")} OR (${sortKey} = ${p("afterKey")} AND ${t.id} > ${p("afterId")}))`)
    .orderBy(sortKey, asc(t.id)).limit(p("limit")).prepare());
  const countQueue = lazy(() => db.select({ n: sql<number>`count(*)`.mapWith(Number) }).from(t).where(sql`(${p("status")} IS NULL OR ${t.status} = ${p("status")})`).prepare());
  const anyDue = lazy(() => db.select({ id: t.id }).from(t).where(and(eq(t.status, "pending"), sql`${t.expiresAt} <= ${p("now")}`)).limit(1).prepare());
  // One statement marks them and hands back what the events need (the run's project included);
  // one per kind of selection, so each is an index lookup (one checkpoint, one run's, or the due).
  const expireWhere = (only: SQL) => lazy(() => db.update(t).set({ status: "expired", decidedAt: pSet("now") })
    .where(sql`${t.id} IN (SELECT ${t.id} FROM ${t} WHERE ${only} AND ${t.status} = 'pending'
      AND (${p("dueBy")} IS NULL OR ${t.expiresAt} <= ${p("dueBy")})
      ORDER BY ${t.expiresAt} LIMIT ${p("limit")})`)
    .returning({ id: t.id, runId: t.runId, kind: t.kind, projectId: sql<string | null>`(SELECT ${runs.projectId} FROM ${runs} WHERE ${runs.id} = ${t.runId})` })
    .prepare());
  const expireOne = expireWhere(sql`${t.id} = ${p("checkpointId")}`);
  const expireOfRun = expireWhere(sql`${t.runId} = ${p("runId")}`);
  const expireAny = expireWhere(sql`1 = 1`);
  const insert = lazy(() => db.insert(t).values({
    id: p("id"), runId: p("runId"), kind: p("kind"), targetPhase: p("targetPhase"), reason: p("reason"), summary: p("summary"), requiredRole: p("requiredRole"),
    status: p("status"), requestedAt: p("requestedAt"), expiresAt: p("expiresAt"), decidedAt: p("decidedAt"), decidedBy: p("decidedBy"), deciderRole: p("deciderRole"), decisionReason: p("decisionReason"),
  }).prepare());
  const decide = lazy(() => db.update(t).set({ status: pSet("status"), decidedAt: pSet("decidedAt"), decidedBy: pSet("decidedBy"), deciderRole: pSet("deciderRole"), decisionReason: pSet("decisionReason") })
    .where(eq(t.id, p("id"))).prepare());
  const pendingOfRun = lazy(() => db.select().from(t).where(and(eq(t.runId, p("runId")), eq(t.status, "pending"))).orderBy(desc(t.requestedAt)).prepare());
  const hasPending = lazy(() => db.select({ id: t.id }).from(t).where(and(eq(t.runId, p("runId")), eq(t.status, "pending"))).limit(1).prepare());
  const approvedGateSince = lazy(() => db.select({ id: t.id }).from(t)
    .where(and(eq(t.runId, p("runId")), eq(t.kind, "phase_gate"), eq(t.targetPhase, p("phase")), eq(t.status, "approved"), gte(t.decidedAt, p("since")))).limit(1).prepare());
  const ofRun = lazy(() => db.select().from(t).where(eq(t.runId, p("runId"))).orderBy(desc(t.requestedAt)).limit(p("limit")).prepare());
  // Evidence for a page of the queue: one row per run, each count over the whole run. Drizzle
  // leaves columns unqualified in a one-table select, so the correlated subqueries name their
  // tables by alias (an unqualified "id" would bind to the inner table).
  const inRuns = (col: unknown) => sql`${col} IN (SELECT value FROM json_each(${p("runIds")}))`;
  const outer = sql`${sql.identifier("runs")}.${sql.identifier("id")}`;
  const n = (q: ReturnType<typeof sql>) => sql<number>`(${q})`.mapWith(Number);
  const evidence = lazy(() => db.select({
    runId: runs.id,
    scopeViolations: n(sql`SELECT count(*) FROM ${driftSignals} d WHERE d.run_id = ${outer} AND d.kind = 'scope_violation'`),
    drift: n(sql`SELECT count(*) FROM ${driftSignals} d WHERE d.run_id = ${outer} AND d.kind <> 'scope_violation'`),
    tests: n(sql`SELECT count(*) FROM ${builds} b WHERE b.run_id = ${outer} AND b.kind = 'test'`),
    failedTests: n(sql`SELECT count(*) FROM ${builds} b WHERE b.run_id = ${outer} AND b.kind = 'test' AND b.exit_code <> 0`),
    lastTestExitCode: sql<number | null>`(SELECT b.exit_code FROM ${builds} b WHERE b.run_id = ${outer} AND b.kind = 'test' ORDER BY b.created_at DESC, b.id DESC LIMIT 1)`,
    failedBuilds: n(sql`SELECT count(*) FROM ${builds} b WHERE b.run_id = ${outer} AND b.kind <> 'test' AND b.exit_code <> 0`),
    changedFiles: n(sql`SELECT count(DISTINCT f.path) FROM ${fileReports} f WHERE f.run_id = ${outer} AND f.action <> 'read'`),
  }).from(runs).where(inRuns(runs.id)).prepare());
  // The first few paths of each kind per run (window functions: SQLite ≥ 3.25 and PostgreSQL).
  const violationPaths = db.select({
    runId: driftSignals.runId, path: sql<string>`${driftSignals.path}`.as("path"),
    rank: sql<number>`row_number() OVER (PARTITION BY ${driftSignals.runId} ORDER BY ${driftSignals.path})`.as("rank"),
  }).from(driftSignals).where(sql`${inRuns(driftSignals.runId)} AND ${driftSignals.kind} = 'scope_violation' AND ${driftSignals.path} IS NOT NULL`)
    .groupBy(driftSignals.runId, driftSignals.path).as("violation_paths");
  const changedPaths = db.select({
    runId: fileReports.runId, path: sql<string>`${fileReports.path}`.as("path"),
    rank: sql<number>`row_number() OVER (PARTITION BY ${fileReports.runId} ORDER BY ${fileReports.path})`.as("rank"),
  }).from(fileReports).where(sql`${inRuns(fileReports.runId)} AND ${fileReports.action} <> 'read'`)
    .groupBy(fileReports.runId, fileReports.path).as("changed_paths");
  const violationSample = lazy(() => db.select({ runId: violationPaths.runId, path: violationPaths.path }).from(violationPaths).where(sql`${violationPaths.rank} <= ${p("perRun")}`).prepare());
  const changedSample = lazy(() => db.select({ runId: changedPaths.runId, path: changedPaths.path }).from(changedPaths).where(sql`${changedPaths.rank} <= ${p("perRun")}`).prepare());
  const runsWithPending = lazy(() => db.selectDistinct({ runId: t.runId }).from(t)
    .where(and(eq(t.status, "pending"), sql`${t.runId} IN (SELECT value FROM json_each(${p("runIds")}))`)).prepare());
  const setRunStatus = lazy(() => db.update(runs).set({ status: pSet("status"), updatedAt: pSet("updatedAt") })
    .where(and(eq(runs.id, p("runId")), sql`(${p("from")} IS NULL OR ${runs.status} IN (SELECT value FROM json_each(${p("from")})))`))
    .returning({ id: runs.id }).prepare());
  return {
    byId: async (id) => byId.get({ id }),
    withRun: async (id) => withRun.get({ id }),
    queue: async (filter) => queue.all({ status: filter.status, afterKey: filter.after?.key ?? null, afterId: filter.after?.id ?? null, limit: filter.limit }),
    count: async (status) => (await countQueue.get({ status }))?.n ?? 0,
    anyDue: async (now) => (await anyDue.get({ now })) !== undefined,
    expirePending: async (now, only, limit) => {
      if (only.checkpointId !== null && only.runId !== null) throw new Error("expirePending: one checkpoint or one run, not both");
      const statement = only.checkpointId !== null ? expireOne : only.runId !== null ? expireOfRun : expireAny;
      return (await statement.all({ now, limit, dueBy: only.dueBy, checkpointId: only.checkpointId, runId: only.runId })) as ExpiredCheckpoint[];
    },
    insert: async (row) => {
      await insert.run({ ...row });
    },
    decide: async (id, decision) => {
      await decide.run({ id, ...decision });
    },
    pendingOfRun: async (runId) => pendingOfRun.all({ runId }),
    hasPending: async (runId) => (await hasPending.get({ runId })) !== undefined,
    approvedGateSince: async (runId, phase, since) => (await approvedGateSince.get({ runId, phase, since })) !== undefined,
    ofRun: async (runId, limit) => ofRun.all({ runId, limit }),
    evidence: async (runIds) => (await evidence.all({ runIds: JSON.stringify(runIds) })).map((r) => ({ ...r, lastTestExitCode: r.lastTestExitCode === null ? null : Number(r.lastTestExitCode) })),
    evidencePaths: async (runIds, perRun) => {
      const params = { runIds: JSON.stringify(runIds), perRun };
      const [violations, changed] = await Promise.all([violationSample.all(params), changedSample.all(params)]);
      return [
        ...violations.map((r): RunEvidencePath => ({ runId: r.runId, kind: "violation", path: r.path })),
        ...changed.map((r): RunEvidencePath => ({ runId: r.runId, kind: "changed", path: r.path })),
      ];
    },
    runsWithPending: async (runIds) => (await runsWithPending.all({ runIds: JSON.stringify(runIds) })).map((r) => r.runId),
    setRunStatus: async (runId, status, updatedAt, from) =>
      (await setRunStatus.all({ runId, status, updatedAt, from: from === null ? null : JSON.stringify(from) })).length > 0,
  };
}
