import { newId } from "../../lib/ids.ts";
import type { Ctx } from "../context.ts";
import { forbidden } from "../errors.ts";
import { can } from "../roles.ts";
import { projectBySlug } from "../run/access.ts";
import { MAX_PATH_LENGTH } from "../run/schemas.ts";
import { screenInput } from "../scan/screen-input.ts";
import { classifyPath, scopeManifest } from "../scope/manifest.ts";
import { transact } from "../transact.ts";
import { parseInput } from "../validate.ts";
import { noteView } from "./access.ts";
import type { NoteRow } from "./queries.ts";
import { MAX_NOTE_LENGTH, RecordNoteInput, type NoteRestView } from "./schemas.ts";

/** A person adds a shared-brain note to a project (scanned: agents will read it). */
export async function recordNote({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<NoteRestView> {
  const actor = ctx.actor;
  // Auditors read; everyone who works on the code may teach the agents.
  if (actor.kind !== "human" || !can(actor.role, "keys.own")) throw forbidden("only people who work on projects may add notes");
  const data = parseInput(RecordNoteInput, input);
  const project = await projectBySlug(ctx.store.read, data.project);
  const paths = [...new Set(data.paths ?? [])];
  // Notes steer other people's agents: nobody may write about code hidden from their own role.
  const manifest = await scopeManifest(ctx.store.read, { projectId: project.id, role: actor.role });
  const hidden = paths.findIndex((p) => classifyPath(manifest, p) === "excluded");
  if (hidden !== -1) {
    throw forbidden(`paths.${hidden}: this path is in a module hidden from your role; notes can only be about code you can see`);
  }
  const [body, ...screenedPaths] = await screenInput(ctx, [{ field: "body", value: data.body, max: MAX_NOTE_LENGTH }, ...paths.map((p, i) => ({ field: `paths.${i}`, value: p, max: MAX_PATH_LENGTH }))], { projectId: project.id });
  return transact(ctx, async (tx, record) => {
    const row: NoteRow = { id: newId("note"), projectId: project.id, body: body!, paths: screenedPaths, authorKind: "human", authorUserId: actor.userId, runId: null, createdAt: ctx.clock.now(),
      // A person's note is theirs to answer for: it reaches agents at once (agents' learnings wait).
      status: "approved", reviewedBy: null, updatedAt: null };
    await tx.knowledge.insert(row);
    await record({ type: "knowledge.recorded", projectId: project.id, subject: row.id, meta: { authorKind: "human", paths: paths.length } });
    return noteView(actor, row, null);
  });
}
