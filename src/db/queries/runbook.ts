import { and, asc, desc, eq, sql } from "drizzle-orm";
import type { RunbookQueries } from "../../core/runbook/queries.ts";
import { runbookChanges, runbooks, runbookVersions } from "../schema/index.ts";
import { lazy, p, pSet, type SqliteDb } from "./sqlite-db.ts";

/** Prepares the runbook statements once for one connection. */
export function runbookQueries(db: SqliteDb): RunbookQueries {
  const b = runbooks;
  const v = runbookVersions;
  // Joins each runbook to its latest version (runbook_versions_unique makes the max a lookup).
  const latestJoin = and(eq(v.runbookId, b.id), sql`${v.version} = (SELECT max(newest.version) FROM ${v} AS newest WHERE newest.runbook_id = ${b.id})`);
  const byId = lazy(() => db.select().from(b).where(eq(b.id, p("id"))).prepare());
  const allWithLatest = lazy(() => db.select({ runbook: b, latest: v }).from(b).leftJoin(v, latestJoin).orderBy(asc(b.createdAt), asc(b.id)).prepare());
  const versions = lazy(() => db.select().from(v).where(eq(v.runbookId, p("runbookId"))).orderBy(desc(v.version)).prepare());
  const latestVersion = lazy(() => db.select().from(v).where(eq(v.runbookId, p("runbookId"))).orderBy(desc(v.version)).limit(1).prepare());
  const versionById = lazy(() => db.select().from(v).where(eq(v.id, p("id"))).prepare());
  const forProject = lazy(() => db.select({ runbook: b, latest: v }).from(b).leftJoin(v, latestJoin)
    .where(sql`${b.projectId} = ${p("projectId")} OR ${b.projectId} IS NULL`)
    .orderBy(sql`${b.projectId} IS NULL`, sql`${b.id} <> ${p("defaultId")}`, asc(b.createdAt), asc(b.id)).limit(1).prepare());
  const insert = lazy(() => db.insert(b).values({ id: p("id"), projectId: p("projectId"), name: p("name"), createdAt: p("createdAt") }).prepare());
  const insertVersion = lazy(() => db.insert(v).values({ id: p("id"), runbookId: p("runbookId"), version: p("version"), phases: p("phases"), createdBy: p("createdBy"), createdAt: p("createdAt") }).prepare());
  const c = runbookChanges;
  const insertChange = lazy(() => db.insert(c).values({
    id: p("id"), runbookId: p("runbookId"), baseVersionId: p("baseVersionId"), phases: p("phases"), loosenings: p("loosenings"), status: p("status"),
    proposedBy: p("proposedBy"), proposedAt: p("proposedAt"), decidedBy: p("decidedBy"), decidedAt: p("decidedAt"), decisionReason: p("decisionReason"), versionId: p("versionId"),
  }).prepare());
  const changeById = lazy(() => db.select().from(c).where(eq(c.id, p("id"))).prepare());
  const pendingChanges = lazy(() => db.select().from(c).where(and(eq(c.runbookId, p("runbookId")), eq(c.status, "pending"))).orderBy(asc(c.proposedAt), asc(c.id)).prepare());
  // Only a pending change is decided: a second decision finds no row to update.
  const decideChange = lazy(() => db.update(c).set({ status: pSet("status"), decidedBy: pSet("decidedBy"), decidedAt: pSet("decidedAt"), decisionReason: pSet("decisionReason"), versionId: pSet("versionId") })
    .where(and(eq(c.id, p("id")), eq(c.status, "pending"))).prepare());
  return {
    byId: async (id) => byId.get({ id }),
    allWithLatest: async () => allWithLatest.all(),
    versions: async (runbookId) => versions.all({ runbookId }),
    latestVersion: async (runbookId) => latestVersion.get({ runbookId }),
    versionById: async (id) => versionById.get({ id }),
    forProject: async (projectId, defaultId) => forProject.get({ projectId, defaultId }),
    insert: async (row) => {
      await insert.run({ ...row });
    },
    insertVersion: async (row) => {
      await insertVersion.run({ ...row });
    },
    insertChange: async (row) => {
      await insertChange.run({ ...row });
    },
    changeById: async (id) => changeById.get({ id }),
    pendingChanges: async (runbookId) => pendingChanges.all({ runbookId }),
    decideChange: async (id, decision) => {
      await decideChange.run({ id, ...decision });
    },
  };
}
