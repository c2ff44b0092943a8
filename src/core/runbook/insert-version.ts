import { newId } from "../../lib/ids.ts";
import type { Tx } from "../store.ts";
import type { Record } from "../transact.ts";
import type { RunbookRow, RunbookVersionRow } from "./queries.ts";
import { latestVersion, versionView } from "./read-runbook.ts";
import type { PhaseDef, RunbookVersionView } from "./schemas.ts";

/** Inserts the next version of `book` with `phases`, in the caller's transaction, and records runbook.published. */
export async function insertNextVersion(tx: Tx, record: Record, book: RunbookRow, phases: PhaseDef[], userId: string, now: number): Promise<RunbookVersionView> {
  const version = ((await latestVersion(tx, book.id))?.version ?? 0) + 1;
  const row: RunbookVersionRow = { id: newId("rbv"), runbookId: book.id, version, phases, createdBy: userId, createdAt: now };
  await tx.runbooks.insertVersion(row);
  await record({ type: "runbook.published", subject: book.id, projectId: book.projectId, meta: { version, versionId: row.id, phases: phases.length } });
  return versionView(row);
}
