import { and, desc, eq, isNull } from "drizzle-orm";
import { runbooks, runbookVersions } from "../../db/schema/index.ts";
import type { Db } from "../../db/store.ts";
import { AppError } from "../errors.ts";
import type { PhaseDef, RunbookVersionView } from "./schemas.ts";
import { DEFAULT_RUNBOOK_ID } from "./schemas.ts";

type VersionRow = typeof runbookVersions.$inferSelect;

export function versionView(row: VersionRow): RunbookVersionView {
  return { id: row.id, version: row.version, phases: row.phases as PhaseDef[], createdBy: row.createdBy, createdAt: row.createdAt };
}

/** The latest published version of a runbook, or null when it has none. */
export function latestVersion(db: Db, runbookId: string): VersionRow | null {
  return db.select().from(runbookVersions).where(eq(runbookVersions.runbookId, runbookId)).orderBy(desc(runbookVersions.version)).limit(1).get() ?? null;
}

/** The runbook a new run on this project uses: the project's own, else the workspace default. */
export function runbookForProject(db: Db, projectId: string): { runbook: typeof runbooks.$inferSelect; version: VersionRow } {
  const own = db.select().from(runbooks).where(eq(runbooks.projectId, projectId)).limit(1).get();
  const chosen = own ?? db.select().from(runbooks).where(and(isNull(runbooks.projectId), eq(runbooks.id, DEFAULT_RUNBOOK_ID))).get() ?? db.select().from(runbooks).where(isNull(runbooks.projectId)).limit(1).get();
  const version = chosen ? latestVersion(db, chosen.id) : null;
  if (!chosen || !version) throw new AppError("internal", "no runbook is published; restart the server to create the default runbook");
  return { runbook: chosen, version };
}

export function versionById(db: Db, id: string): VersionRow {
  const row = db.select().from(runbookVersions).where(eq(runbookVersions.id, id)).get();
  if (!row) throw new AppError("internal", "run refers to a missing runbook version");
  return row;
}
