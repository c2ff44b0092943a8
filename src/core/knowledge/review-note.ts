import type { Ctx } from "../context.ts";
import { conflict, forbidden, invalid } from "../errors.ts";
import { projectBySlug } from "../run/access.ts";
import { MAX_PATH_LENGTH } from "../run/schemas.ts";
import { screenInput } from "../scan/screen-input.ts";
import { classifyPath, scopeManifest } from "../scope/manifest.ts";
import { transact } from "../transact.ts";
import { parseInput } from "../validate.ts";
import { loadNote, mayApprove, noteView, requireCurator } from "./access.ts";
import { MAX_NOTE_LENGTH, NoteRef, UpdateNoteInput, type NoteRestView } from "./schemas.ts";

/**
 * A lead (or admin, owner) approves an agent-written note, so it reaches other agents from now on.
 * Nobody approves their own agent's learning.
 */
export async function approveNote({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<NoteRestView> {
  const actor = requireCurator(ctx.actor);
  const data = parseInput(NoteRef, input);
  const project = await projectBySlug(ctx.store.read, data.project);
  return transact(ctx, async (tx, record) => {
    const note = await loadNote(tx, project.id, data.noteId);
    if (note.status !== "proposed") throw conflict(`note '${note.id}' is already approved`);
    if (!mayApprove(actor, note)) throw forbidden("a note your own agent wrote must be approved by somebody else");
    const now = ctx.clock.now();
    await tx.knowledge.approve(note.id, actor.userId, now);
    await record({ type: "knowledge.approved", projectId: project.id, runId: note.runId, subject: note.id, meta: { authorKind: note.authorKind } });
    return noteView(actor, { ...note, status: "approved", reviewedBy: actor.userId, updatedAt: now }, null);
  });
}

/** A lead (or admin, owner) rewrites a note's body and paths (scanned like a new note); its status stays. */
export async function updateNote({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<NoteRestView> {
  const actor = requireCurator(ctx.actor);
  const data = parseInput(UpdateNoteInput, input);
  const project = await projectBySlug(ctx.store.read, data.project);
  const current = await loadNote(ctx.store.read, project.id, data.noteId);
  const paths = data.paths === undefined ? current.paths : [...new Set(data.paths)];
  const manifest = await scopeManifest(ctx.store.read, { projectId: project.id, role: actor.role });
  const hidden = paths.findIndex((p) => classifyPath(manifest, p) === "excluded");
  if (hidden !== -1) throw forbidden(`paths.${hidden}: this path is in a module hidden from your role; notes can only be about code you can see`);
  const [body, ...screenedPaths] = await screenInput(ctx, [{ field: "body", value: data.body, max: MAX_NOTE_LENGTH }, ...paths.map((p, i) => ({ field: `paths.${i}`, value: p, max: MAX_PATH_LENGTH }))], { projectId: project.id });
  if (body === undefined) throw invalid("body: required", { fields: ["body"] });
  return transact(ctx, async (tx, record) => {
    const note = await loadNote(tx, project.id, data.noteId);
    const now = ctx.clock.now();
    await tx.knowledge.update(note.id, { body, paths: screenedPaths, updatedAt: now });
    await record({ type: "knowledge.edited", projectId: project.id, runId: note.runId, subject: note.id, meta: { status: note.status, paths: screenedPaths.length } });
    return noteView(actor, { ...note, body, paths: screenedPaths, updatedAt: now }, null);
  });
}

/** A lead (or admin, owner) deletes a note. */
export async function deleteNote({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<{ id: string }> {
  requireCurator(ctx.actor);
  const data = parseInput(NoteRef, input);
  const project = await projectBySlug(ctx.store.read, data.project);
  return transact(ctx, async (tx, record) => {
    const note = await loadNote(tx, project.id, data.noteId);
    await tx.knowledge.delete(note.id);
    await record({ type: "knowledge.deleted", projectId: project.id, runId: note.runId, subject: note.id, meta: { authorKind: note.authorKind, status: note.status } });
    return { id: note.id };
  });
}
