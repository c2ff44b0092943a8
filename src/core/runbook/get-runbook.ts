import { desc, eq } from "drizzle-orm";
import { runbooks, runbookVersions } from "../../db/schema/index.ts";
import type { Ctx } from "../context.ts";
import { notFound } from "../errors.ts";
import { parseInput } from "../validate.ts";
import { versionView } from "./read-runbook.ts";
import { RunbookIdInput, type RunbookDetail } from "./schemas.ts";

/** One runbook with all its versions, newest first. */
export function getRunbook({ ctx, input }: { ctx: Ctx; input: unknown }): RunbookDetail {
  const { runbookId } = parseInput(RunbookIdInput, input);
  const db = ctx.store.read;
  const book = db.select().from(runbooks).where(eq(runbooks.id, runbookId)).get();
  if (!book) throw notFound(`runbook '${runbookId}'`);
  const versions = db.select().from(runbookVersions).where(eq(runbookVersions.runbookId, book.id)).orderBy(desc(runbookVersions.version)).all();
  return { id: book.id, name: book.name, projectId: book.projectId, versions: versions.map(versionView) };
}
