import { asc } from "drizzle-orm";
import { runbooks } from "../../db/schema/index.ts";
import type { Ctx } from "../context.ts";
import { latestVersion, versionView } from "./read-runbook.ts";
import type { RunbookView } from "./schemas.ts";

/** Every runbook with its latest version (any signed-in role may read the team's process). */
export function listRunbooks({ ctx }: { ctx: Ctx }): RunbookView[] {
  const db = ctx.store.read;
  return db.select().from(runbooks).orderBy(asc(runbooks.createdAt)).all().flatMap((book) => {
    const latest = latestVersion(db, book.id);
    return latest ? [{ id: book.id, name: book.name, projectId: book.projectId, latest: versionView(latest) }] : [];
  });
}
