import { and, desc, eq, sql } from "drizzle-orm";
import type { KnowledgeQueries } from "../../core/knowledge/queries.ts";
import { knowledgeNotes } from "../schema/index.ts";
import { lazy, p, pSet, type SqliteDb } from "./sqlite-db.ts";

/** Prepares the knowledge statements once for one connection. */
export function knowledgeQueries(db: SqliteDb): KnowledgeQueries {
  const t = knowledgeNotes;
  const recent = lazy(() => db.select().from(t)
    .where(and(eq(t.projectId, p("projectId")), sql`(${p("status")} IS NULL OR ${t.status} = ${p("status")})`))
    .orderBy(desc(t.createdAt)).limit(p("limit")).prepare());
  const byId = lazy(() => db.select().from(t).where(eq(t.id, p("id"))).limit(1).prepare());
  // `paths` is a json column: the placeholder in values() is encoded by it (pass the array).
  const insert = lazy(() => db.insert(t).values({
    id: p("id"), projectId: p("projectId"), body: p("body"), paths: p("paths"), authorKind: p("authorKind"), authorUserId: p("authorUserId"), runId: p("runId"),
    createdAt: p("createdAt"), status: p("status"), reviewedBy: p("reviewedBy"), updatedAt: p("updatedAt"),
  }).prepare());
  const update = lazy(() => db.update(t).set({ body: pSet("body"), paths: pSet("paths"), updatedAt: pSet("updatedAt") }).where(eq(t.id, p("id"))).prepare());
  const approve = lazy(() => db.update(t).set({ status: "approved", reviewedBy: pSet("reviewedBy"), updatedAt: pSet("updatedAt") }).where(eq(t.id, p("id"))).prepare());
  const remove = lazy(() => db.delete(t).where(eq(t.id, p("id"))).prepare());
  return {
    recent: async (projectId, limit, status) => recent.all({ projectId, limit, status }),
    byId: async (id) => byId.get({ id }),
    insert: async (row) => {
      await insert.run({ ...row });
    },
    update: async (id, change) => {
      await update.run({ id, ...change });
    },
    approve: async (id, reviewedBy, updatedAt) => {
      await approve.run({ id, reviewedBy, updatedAt });
    },
    delete: async (id) => {
      await remove.run({ id });
    },
  };
}
