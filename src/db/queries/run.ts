import { and, asc, desc, eq, gte, isNull, sql, type SQL } from "drizzle-orm";
import type { RunQueries, ScopeSource } from "../../core/run/queries.ts";
import {
  auditEvents, builds, checkpoints, driftSignals, fileReports, moduleAccess, modules, projects, runbooks, runbookVersions, runClaims, runs, usageReports, users, workUnits,
} from "../schema/index.ts";
import { lazy, p, pSet, type SqliteDb } from "./sqlite-db.ts";

// Placeholders in set() are wrapped in sql`` (drizzle's types do not take bare placeholders there), so
// they are not encoded by their column: json values are passed as JSON text.

/** Prepares the run statements once for one connection. */
export function runQueries(db: SqliteDb): RunQueries {
  const byId = lazy(() => db.select().from(runs).where(eq(runs.id, p("runId"))).prepare());
  const projectBySlug = lazy(() => db.select({ id: projects.id, slug: projects.slug, name: projects.name }).from(projects).where(eq(projects.slug, p("slug"))).prepare());
  // One row per module (or one row with null module fields for a project without modules).
  const scopeSource = lazy(() => db.select({ protectedGlobs: projects.protectedGlobs, id: modules.id, name: modules.name, globs: modules.globs, level: moduleAccess.level })
    .from(projects)
    .leftJoin(modules, eq(modules.projectId, projects.id))
    .leftJoin(moduleAccess, and(eq(moduleAccess.moduleId, modules.id), eq(moduleAccess.role, p("role"))))
    .where(eq(projects.id, p("projectId"))).orderBy(asc(modules.name)).prepare());
  const insertRun = lazy(() => db.insert(runs).values({
    id: p("id"), projectId: p("projectId"), runbookVersionId: p("runbookVersionId"), title: p("title"), ticket: p("ticket"), ownerUserId: p("ownerUserId"), keyId: p("keyId"),
    status: p("status"), phase: p("phase"), phaseEnteredAt: p("phaseEnteredAt"), branch: p("branch"), createdAt: p("createdAt"), updatedAt: p("updatedAt"),
  }).prepare());

  const units = lazy(() => db.select().from(workUnits).where(eq(workUnits.runId, p("runId"))).orderBy(asc(workUnits.position)).limit(p("limit")).prepare());
  const openUnits = lazy(() => db.select().from(workUnits)
    .where(and(eq(workUnits.runId, p("runId")), sql`${workUnits.status} IN ('planned', 'in_progress', 'blocked')`)).orderBy(asc(workUnits.position)).prepare());
  const lastPosition = lazy(() => db.select({ n: sql<number>`coalesce(max(${workUnits.position}), -1)` }).from(workUnits).where(eq(workUnits.runId, p("runId"))).prepare());
  const unit = lazy(() => db.select().from(workUnits).where(and(eq(workUnits.id, p("unitId")), eq(workUnits.runId, p("runId")))).prepare());
  const insertUnit = lazy(() => db.insert(workUnits).values({
    id: p("id"), runId: p("runId"), position: p("position"), title: p("title"), paths: p("paths"), status: p("status"), note: p("note"), createdAt: p("createdAt"), updatedAt: p("updatedAt"),
  }).prepare());
  const updateUnit = lazy(() => db.update(workUnits).set({ status: pSet("status"), note: pSet("note"), paths: pSet("paths"), updatedAt: pSet("updatedAt") }).where(eq(workUnits.id, p("unitId"))).prepare());

  const setSummary = lazy(() => db.update(runs).set({ summary: pSet("summary"), updatedAt: pSet("now") }).where(eq(runs.id, p("runId"))).prepare());
  const enterPhase = lazy(() => db.update(runs).set({ phase: pSet("phase"), phaseEnteredAt: pSet("now"), status: "active", updatedAt: pSet("now") }).where(eq(runs.id, p("runId"))).prepare());
  const pendingCheckpoints = lazy(() => db.select({
    id: checkpoints.id, kind: checkpoints.kind, targetPhase: checkpoints.targetPhase, reason: checkpoints.reason, requiredRole: checkpoints.requiredRole, expiresAt: checkpoints.expiresAt,
  }).from(checkpoints)
    .where(and(eq(checkpoints.runId, p("runId")), eq(checkpoints.status, "pending"))).orderBy(desc(checkpoints.requestedAt)).prepare());
  const gateApproved = lazy(() => db.select({ id: checkpoints.id }).from(checkpoints).where(and(
    eq(checkpoints.runId, p("runId")), eq(checkpoints.kind, "phase_gate"), eq(checkpoints.targetPhase, p("phase")), eq(checkpoints.status, "approved"), gte(checkpoints.decidedAt, p("since")),
  )).limit(1).prepare());
  const passed = lazy(() => db.select({ id: builds.id }).from(builds)
    .where(and(eq(builds.runId, p("runId")), eq(builds.kind, p("kind")), eq(builds.exitCode, 0), gte(builds.createdAt, p("since")))).limit(1).prepare());

  const insertBuild = lazy(() => db.insert(builds).values({
    id: p("id"), runId: p("runId"), phase: p("phase"), kind: p("kind"), exitCode: p("exitCode"), durationMs: p("durationMs"), logTail: p("logTail"), createdAt: p("createdAt"),
  }).prepare());
  const recentExitCodes = lazy(() => db.select({ exitCode: builds.exitCode }).from(builds).where(and(eq(builds.runId, p("runId")), eq(builds.kind, p("kind"))))
    .orderBy(desc(builds.createdAt), desc(builds.id)).limit(p("limit")).prepare());
  const touch = lazy(() => db.update(runs).set({ updatedAt: pSet("now") }).where(eq(runs.id, p("runId"))).prepare());
  const insertUsage = lazy(() => db.insert(usageReports).values({
    id: p("id"), runId: p("runId"), model: p("model"), inputTokens: p("inputTokens"), outputTokens: p("outputTokens"), cacheTokens: p("cacheTokens"), calls: p("calls"), createdAt: p("createdAt"),
  }).prepare());
  const addUsage = lazy(() => db.update(runs).set({
    inputTokens: sql`${runs.inputTokens} + ${p("inputTokens")}`,
    outputTokens: sql`${runs.outputTokens} + ${p("outputTokens")}`,
    cacheTokens: sql`${runs.cacheTokens} + ${p("cacheTokens")}`,
    calls: sql`${runs.calls} + ${p("calls")}`,
    updatedAt: pSet("now"),
  }).where(eq(runs.id, p("runId"))).returning({ inputTokens: runs.inputTokens, outputTokens: runs.outputTokens, cacheTokens: runs.cacheTokens, calls: runs.calls }).prepare());
  const insertFileReport = lazy(() => db.insert(fileReports).values({ id: p("id"), runId: p("runId"), action: p("action"), path: p("path"), access: p("access"), createdAt: p("createdAt") }).prepare());
  const insertDrift = lazy(() => db.insert(driftSignals).values({ id: p("id"), runId: p("runId"), kind: p("kind"), path: p("path"), detail: p("detail"), createdAt: p("createdAt") }).prepare());
  const linkChange = lazy(() => db.update(runs).set({ branch: pSet("branch"), prUrl: pSet("prUrl"), commitSha: pSet("commitSha"), updatedAt: pSet("now") }).where(eq(runs.id, p("runId"))).prepare());

  const expirePending = lazy(() => db.update(checkpoints).set({ status: "expired", decidedAt: pSet("now") })
    .where(and(eq(checkpoints.runId, p("runId")), eq(checkpoints.status, "pending"))).returning({ id: checkpoints.id, kind: checkpoints.kind }).prepare());
  const finish = lazy(() => db.update(runs).set({ status: pSet("status"), summary: pSet("summary"), finishedAt: pSet("now"), updatedAt: pSet("now") }).where(eq(runs.id, p("runId"))).prepare());
  const unitPaths = lazy(() => db.select({ paths: workUnits.paths }).from(workUnits).where(eq(workUnits.runId, p("runId"))).orderBy(asc(workUnits.position)).prepare());
  const filePaths = lazy(() => db.select({ path: fileReports.path }).from(fileReports).where(eq(fileReports.runId, p("runId"))).limit(p("limit")).prepare());

  const listedFields = {
    run: runs,
    slug: projects.slug,
    ownerName: users.name,
    pendingCheckpoints: sql<number>`(SELECT count(*) FROM ${checkpoints} WHERE ${checkpoints.runId} = ${runs.id} AND ${checkpoints.status} = 'pending')`.mapWith(Number),
  };
  const listFilter = sql`(${p("status")} IS NULL OR ${runs.status} = ${p("status")}) AND (${p("slug")} IS NULL OR ${projects.slug} = ${p("slug")})
    AND (${p("pattern")} IS NULL OR lower(${runs.title}) LIKE ${p("pattern")} ESCAPE '\\' OR lower(coalesce(${runs.ticket}, '')) LIKE ${p("pattern")} ESCAPE '\\'
      OR lower(coalesce(${runs.branch}, '')) LIKE ${p("pattern")} ESCAPE '\\')`;
  // One prepared statement per order (key and direction), each paging by keyset after (key, id).
  const sortKeys = { updated: sql`${runs.updatedAt}`, created: sql`${runs.createdAt}`, tokens: sql`(${runs.inputTokens} + ${runs.outputTokens})` } as const;
  const listIn = (key: SQL, direction: "asc" | "desc") => {
    const beyond = direction === "desc" ? sql`<` : sql`>`;
    return lazy(() => db.select(listedFields).from(runs).innerJoin(projects, eq(projects.id, runs.projectId)).innerJoin(users, eq(users.id, runs.ownerUserId))
      .where(sql`${listFilter} AND (${p("afterKey")} IS NULL OR ${key} ${beyond} ${p("afterKey")} OR (${key} = ${p("afterKey")} AND ${runs.id} ${beyond} ${p("afterId")}))`)
      .orderBy(...(direction === "desc" ? [desc(key), desc(runs.id)] : [asc(key), asc(runs.id)])).limit(p("limit")).prepare());
  };
  const lists = {
    updated: { desc: listIn(sortKeys.updated, "desc"), asc: listIn(sortKeys.updated, "asc") },
    created: { desc: listIn(sortKeys.created, "desc"), asc: listIn(sortKeys.created, "asc") },
    tokens: { desc: listIn(sortKeys.tokens, "desc"), asc: listIn(sortKeys.tokens, "asc") },
  };
  const countRuns = lazy(() => db.select({ n: sql<number>`count(*)`.mapWith(Number) }).from(runs).innerJoin(projects, eq(projects.id, runs.projectId)).where(listFilter).prepare());
  const dashboardCounts = lazy(() => db.select({
    activeRuns: sql<number>`(SELECT count(*) FROM ${runs} WHERE ${runs.status} IN ('active', 'awaiting_approval', 'blocked'))`.mapWith(Number),
    pendingApprovals: sql<number>`(SELECT count(*) FROM ${checkpoints} WHERE ${checkpoints.status} = 'pending')`.mapWith(Number),
    scopeViolations: sql<number>`(SELECT count(*) FROM ${driftSignals} WHERE ${driftSignals.kind} = 'scope_violation' AND ${driftSignals.createdAt} >= ${p("signalsSince")})`.mapWith(Number),
    drift: sql<number>`(SELECT count(*) FROM ${driftSignals} WHERE ${driftSignals.kind} <> 'scope_violation' AND ${driftSignals.createdAt} >= ${p("signalsSince")})`.mapWith(Number),
    inputTokens: sql<number>`(SELECT coalesce(sum(${usageReports.inputTokens}), 0) FROM ${usageReports} WHERE ${usageReports.createdAt} >= ${p("tokensSince")})`.mapWith(Number),
    outputTokens: sql<number>`(SELECT coalesce(sum(${usageReports.outputTokens}), 0) FROM ${usageReports} WHERE ${usageReports.createdAt} >= ${p("tokensSince")})`.mapWith(Number),
  }).from(sql`(SELECT 1) AS one`).prepare());
  const dayOf = sql<number>`CAST(${usageReports.createdAt} / ${p("dayMs")} AS INTEGER) * ${p("dayMs")}`.mapWith(Number);
  const usageByDay = lazy(() => db.select({
    day: dayOf,
    inputTokens: sql<number>`coalesce(sum(${usageReports.inputTokens}), 0)`.mapWith(Number),
    outputTokens: sql<number>`coalesce(sum(${usageReports.outputTokens}), 0)`.mapWith(Number),
  }).from(usageReports).where(gte(usageReports.createdAt, p("since"))).groupBy(sql`1`).orderBy(sql`1`).prepare());
  const listed = lazy(() => db.select(listedFields).from(runs).innerJoin(projects, eq(projects.id, runs.projectId)).innerJoin(users, eq(users.id, runs.ownerUserId))
    .where(eq(runs.id, p("runId"))).prepare());
  const version = lazy(() => db.select({ id: runbookVersions.id, runbookId: runbookVersions.runbookId, runbookName: runbooks.name, version: runbookVersions.version, phases: runbookVersions.phases })
    .from(runbookVersions).innerJoin(runbooks, eq(runbooks.id, runbookVersions.runbookId)).where(eq(runbookVersions.id, p("versionId"))).prepare());
  // With the decider's name (people are erased by anonymising, so the row stays).
  const checkpointsOf = lazy(() => db.select({ ck: checkpoints, deciderName: users.name }).from(checkpoints).leftJoin(users, eq(users.id, checkpoints.decidedBy))
    .where(eq(checkpoints.runId, p("runId"))).orderBy(desc(checkpoints.requestedAt)).limit(p("limit")).prepare());
  const buildsOf = lazy(() => db.select().from(builds).where(eq(builds.runId, p("runId"))).orderBy(desc(builds.createdAt)).limit(p("limit")).prepare());
  const usageOf = lazy(() => db.select().from(usageReports).where(eq(usageReports.runId, p("runId"))).orderBy(desc(usageReports.createdAt)).limit(p("limit")).prepare());
  const driftOf = lazy(() => db.select().from(driftSignals).where(eq(driftSignals.runId, p("runId"))).orderBy(desc(driftSignals.createdAt)).limit(p("limit")).prepare());
  const filesOf = lazy(() => db.select().from(fileReports).where(eq(fileReports.runId, p("runId"))).orderBy(desc(fileReports.createdAt)).limit(p("limit")).prepare());
  const eventsOf = lazy(() => db.select().from(auditEvents).where(eq(auditEvents.runId, p("runId"))).orderBy(asc(auditEvents.seq)).limit(p("limit")).prepare());

  const openRunsOf = lazy(() => db.select(listedFields).from(runs).innerJoin(projects, eq(projects.id, runs.projectId)).innerJoin(users, eq(users.id, runs.ownerUserId))
    .where(and(eq(runs.ownerUserId, p("ownerUserId")), sql`${runs.status} NOT IN ('completed', 'failed', 'cancelled')`)).orderBy(desc(runs.updatedAt)).limit(p("limit")).prepare());

  // Overlap: the same path, or one a directory of the other (compared by prefix, not LIKE: '_' and '%' are ordinary in paths).
  const lastSeen = sql<number>`max(${runClaims.refreshedAt}, ${runs.updatedAt})`.mapWith(Number);
  const claimHolders = lazy(() => db.select({
    requested: sql<string>`requested.value`, path: runClaims.path, runId: runClaims.runId, title: runs.title, phase: runs.phase,
    ownerUserId: runs.ownerUserId, ownerName: users.name, claimedAt: runClaims.claimedAt, lastSeen,
  }).from(sql`json_each(${p("paths")}) AS requested`)
    .innerJoin(runClaims, sql`${runClaims.projectId} = ${p("projectId")} AND ${runClaims.endedAt} IS NULL AND ${runClaims.runId} <> ${p("runId")} AND (
      ${runClaims.path} = requested.value
      OR substr(requested.value, 1, length(${runClaims.path}) + 1) = ${runClaims.path} || '/'
      OR substr(${runClaims.path}, 1, length(requested.value) + 1) = requested.value || '/')`)
    .innerJoin(runs, eq(runs.id, runClaims.runId)).innerJoin(users, eq(users.id, runs.ownerUserId))
    .orderBy(asc(runClaims.claimedAt)).prepare());
  const insertClaim = lazy(() => db.insert(runClaims).values({
    projectId: p("projectId"), runId: p("runId"), path: p("path"), source: p("source"), claimedAt: p("now"), refreshedAt: p("now"),
  }).onConflictDoNothing().returning({ id: runClaims.id }).prepare());
  const refreshClaims = lazy(() => db.update(runClaims).set({ refreshedAt: pSet("now") }).where(and(eq(runClaims.runId, p("runId")), isNull(runClaims.endedAt))).prepare());
  const endClaims = lazy(() => db.update(runClaims).set({ endedAt: pSet("now"), endReason: pSet("reason") })
    .where(and(eq(runClaims.runId, p("runId")), isNull(runClaims.endedAt))).returning({ id: runClaims.id }).prepare());
  const expireClaim = lazy(() => db.update(runClaims).set({ endedAt: pSet("now"), endReason: "expired" })
    .where(and(eq(runClaims.runId, p("runId")), eq(runClaims.path, p("path")), isNull(runClaims.endedAt))).returning({ id: runClaims.id }).prepare());
  const claimFields = { runId: runClaims.runId, path: runClaims.path, source: runClaims.source, claimedAt: runClaims.claimedAt, refreshedAt: runClaims.refreshedAt, endedAt: runClaims.endedAt, endReason: runClaims.endReason };
  const claimsOf = lazy(() => db.select(claimFields).from(runClaims).where(eq(runClaims.runId, p("runId")))
    .orderBy(sql`${runClaims.endedAt} IS NOT NULL`, desc(sql`coalesce(${runClaims.endedAt}, 0)`), asc(runClaims.path)).limit(p("limit")).prepare());
  const ownerClaims = lazy(() => db.select(claimFields).from(runClaims).innerJoin(runs, eq(runs.id, runClaims.runId))
    .where(and(eq(runs.ownerUserId, p("ownerUserId")), eq(runClaims.projectId, p("projectId")), isNull(runClaims.endedAt))).orderBy(asc(runClaims.path)).limit(p("limit")).prepare());
  const projectClaims = lazy(() => db.select({
    runId: runClaims.runId, title: runs.title, phase: runs.phase, status: runs.status, ownerUserId: runs.ownerUserId, ownerName: users.name,
    path: runClaims.path, source: runClaims.source, claimedAt: runClaims.claimedAt, lastSeen,
  }).from(runClaims).innerJoin(runs, eq(runs.id, runClaims.runId)).innerJoin(users, eq(users.id, runs.ownerUserId))
    .where(and(eq(runClaims.projectId, p("projectId")), isNull(runClaims.endedAt))).orderBy(asc(runClaims.claimedAt), asc(runClaims.path)).limit(p("limit")).prepare());
  const conflictsRecorded = lazy(() => db.selectDistinct({ path: driftSignals.path, holderRunId: sql<string>`json_extract(${driftSignals.detail}, '$.holder_run_id')` }).from(driftSignals)
    .where(and(eq(driftSignals.runId, p("runId")), eq(driftSignals.kind, "claim_conflict"), sql`${driftSignals.path} IS NOT NULL`)).limit(p("limit")).prepare());

  return {
    byId: async (runId) => byId.get({ runId }),
    projectBySlug: async (slug) => projectBySlug.get({ slug }),
    scopeSource: async (projectId, role) => {
      const rows = await scopeSource.all({ projectId, role });
      if (rows.length === 0) return undefined;
      const source: ScopeSource = { protectedGlobs: rows[0]!.protectedGlobs, modules: [] };
      for (const r of rows) if (r.id !== null) source.modules.push({ id: r.id, name: r.name!, globs: r.globs!, level: r.level });
      return source;
    },
    insertRun: async (row) => {
      await insertRun.run(row);
    },

    units: async (runId, limit) => units.all({ runId, limit }),
    openUnits: async (runId) => openUnits.all({ runId }),
    lastPosition: async (runId) => (await lastPosition.get({ runId }))?.n ?? -1,
    unit: async (runId, unitId) => unit.get({ runId, unitId }),
    insertUnit: async (row) => {
      await insertUnit.run({ ...row });
    },
    updateUnit: async (unitId, change) => {
      await updateUnit.run({ unitId, ...change });
    },

    setSummary: async (runId, summary, now) => {
      await setSummary.run({ runId, summary, now });
    },
    enterPhase: async (runId, phase, now) => {
      await enterPhase.run({ runId, phase, now });
    },
    pendingCheckpoints: async (runId) => pendingCheckpoints.all({ runId }),
    gateApprovedSince: async (runId, phase, since) => (await gateApproved.get({ runId, phase, since })) !== undefined,
    passedSince: async (runId, kind, since) => (await passed.get({ runId, kind, since })) !== undefined,

    insertBuild: async (row) => {
      await insertBuild.run({ ...row });
    },
    recentExitCodes: async (runId, kind, limit) => (await recentExitCodes.all({ runId, kind, limit })).map((b) => b.exitCode),
    touch: async (runId, now) => {
      await touch.run({ runId, now });
    },
    insertUsage: async (row) => {
      await insertUsage.run({ ...row });
    },
    addUsage: async (runId, delta, now) => (await addUsage.get({ runId, now, ...delta }))!,
    insertFileReport: async (row) => {
      await insertFileReport.run({ ...row });
    },
    insertDrift: async (row) => {
      await insertDrift.run({ ...row });
    },
    linkChange: async (runId, change, now) => {
      await linkChange.run({ runId, now, ...change });
    },

    expirePending: async (runId, now) => expirePending.all({ runId, now }),
    finish: async (runId, status, summary, now) => {
      await finish.run({ runId, status, summary, now });
    },
    touchedPaths: async (runId, limit) => [
      ...(await unitPaths.all({ runId })).flatMap((u) => u.paths),
      ...(await filePaths.all({ runId, limit })).map((f) => f.path),
    ],

    list: async (filter) => lists[filter.sort.by][filter.sort.direction].all({
      status: filter.status, slug: filter.projectSlug, pattern: filter.pattern, afterKey: filter.after?.key ?? null, afterId: filter.after?.id ?? null, limit: filter.limit,
    }),
    count: async (filter) => (await countRuns.get({ status: filter.status, slug: filter.projectSlug, pattern: filter.pattern }))?.n ?? 0,
    dashboardCounts: async (signalsSince, tokensSince) => (await dashboardCounts.get({ signalsSince, tokensSince }))!,
    usageByDay: async (since, dayMs) => usageByDay.all({ since, dayMs }),
    listed: async (runId) => listed.get({ runId }),
    version: async (versionId) => version.get({ versionId }),
    checkpoints: async (runId, limit) => (await checkpointsOf.all({ runId, limit })).map((r) => ({ ...r.ck, deciderName: r.deciderName })),
    builds: async (runId, limit) => buildsOf.all({ runId, limit }),
    usage: async (runId, limit) => usageOf.all({ runId, limit }),
    drift: async (runId, limit) => driftOf.all({ runId, limit }),
    files: async (runId, limit) => filesOf.all({ runId, limit }),
    events: async (runId, limit) => eventsOf.all({ runId, limit }),

    openRunsOf: async (ownerUserId, limit) => openRunsOf.all({ ownerUserId, limit }),
    claimHolders: async (projectId, runId, paths) => (paths.length === 0 ? [] : claimHolders.all({ projectId, runId, paths: JSON.stringify(paths) })),
    insertClaim: async (row) => (await insertClaim.all({ ...row })).length > 0,
    refreshClaims: async (runId, now) => {
      await refreshClaims.run({ runId, now });
    },
    endClaims: async (runId, reason, now) => (await endClaims.all({ runId, reason, now })).length,
    expireClaim: async (runId, path, now) => (await expireClaim.all({ runId, path, now })).length > 0,
    claimsOf: async (runId, limit) => claimsOf.all({ runId, limit }),
    ownerClaims: async (ownerUserId, projectId, limit) => ownerClaims.all({ ownerUserId, projectId, limit }),
    projectClaims: async (projectId, limit) => projectClaims.all({ projectId, limit }),
    conflictsRecorded: async (runId, limit) => (await conflictsRecorded.all({ runId, limit })).map((r) => ({ path: r.path!, holderRunId: r.holderRunId })),
  };
}
