import type { Ctx } from "../context.ts";
import { notFound } from "../errors.ts";
import { parseInput } from "../validate.ts";
import { versionView } from "./read-runbook.ts";
import { changeView } from "./runbook-change.ts";
import { RunbookIdInput, type RunbookDetail } from "./schemas.ts";

/** One runbook with all its versions, newest first, and the loosening changes waiting for a second person. */
export async function getRunbook({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<RunbookDetail> {
  const { runbookId } = parseInput(RunbookIdInput, input);
  const db = ctx.store.read;
  const book = await db.runbooks.byId(runbookId);
  if (!book) throw notFound(`runbook '${runbookId}'`);
  const [versions, pending] = await Promise.all([db.runbooks.versions(book.id), db.runbooks.pendingChanges(book.id)]);
  return { id: book.id, name: book.name, projectId: book.projectId, versions: versions.map(versionView), pendingChanges: pending.map((c) => changeView(ctx.actor, c)) };
}
