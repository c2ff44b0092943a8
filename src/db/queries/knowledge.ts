import { desc, eq } from "drizzle-orm";
import type { KnowledgeQueries } from "../../core/knowledge/queries.ts";
import { knowledgeNotes } from "../schema/index.ts";
import { p, type SqliteDb } from "./sqlite-db.ts";

/** Prepares the knowledge statements once for one connection. */
export function knowledgeQueries(db: SqliteDb): KnowledgeQueries {
  const t = knowledgeNotes;
  const recent = db.select().from(t).where(eq(t.projectId, p("projectId"))).orderBy(desc(t.createdAt)).limit(p("limit")).prepare();
  // `paths` is a json column: the placeholder in values() is encoded by it (pass the array).
  const insert = db.insert(t).values({
    id: p("id"), projectId: p("projectId"), body: p("body"), paths: p("paths"), authorKind: p("authorKind"), authorUserId: p("authorUserId"), runId: p("runId"), createdAt: p("createdAt"),
  }).prepare();
  return {
    recent: async (projectId, limit) => recent.all({ projectId, limit }),
    insert: async (row) => {
      insert.run({ ...row });
    },
  };
}
