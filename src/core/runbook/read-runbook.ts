import { AppError } from "../errors.ts";
import type { Queries } from "../store.ts";
import type { RunbookRow, RunbookVersionRow } from "./queries.ts";
import type { PhaseDef, RunbookVersionView } from "./schemas.ts";
import { DEFAULT_RUNBOOK_ID } from "./schemas.ts";

export function versionView(row: RunbookVersionRow): RunbookVersionView {
  return { id: row.id, version: row.version, phases: row.phases as PhaseDef[], createdBy: row.createdBy, createdAt: row.createdAt };
}

/** The latest published version of a runbook, or null when it has none. */
export async function latestVersion(db: Queries, runbookId: string): Promise<RunbookVersionRow | null> {
  return (await db.runbooks.latestVersion(runbookId)) ?? null;
}

/** The runbook a new run on this project uses: the project's own, else the workspace default. */
export async function runbookForProject(db: Queries, projectId: string): Promise<{ runbook: RunbookRow; version: RunbookVersionRow }> {
  const chosen = await db.runbooks.forProject(projectId, DEFAULT_RUNBOOK_ID);
  if (!chosen?.latest) throw new AppError("internal", "no runbook is published; restart the server to create the default runbook");
  return { runbook: chosen.runbook, version: chosen.latest };
}

export async function versionById(db: Queries, id: string): Promise<RunbookVersionRow> {
  const row = await db.runbooks.versionById(id);
  if (!row) throw new AppError("internal", "run refers to a missing runbook version");
  return row;
}
