import type { Actor } from "../context.ts";
import { forbidden, notFound } from "../errors.ts";
import { can, type Capability } from "../roles.ts";
import type { ScopeManifest } from "../scope/manifest.ts";
import { maskPath, maskText } from "../scope/manifest.ts";
import type { Queries } from "../store.ts";
import type { NoteRow } from "./queries.ts";
import type { NoteRestView } from "./schemas.ts";

/**
 * Curating the shared brain (approving agents' learnings, editing and deleting notes) belongs to the
 * people who edit the team's process: leads, admins, owners.
 */
export const CURATE_NOTES: Capability = "runbooks.edit";

export type Person = Extract<Actor, { kind: "human" }>;

export function requireCurator(actor: Actor): Person {
  if (actor.kind !== "human" || !can(actor.role, CURATE_NOTES)) throw forbidden("only a lead, admin or owner may approve, edit or delete notes");
  return actor;
}

/** The note `noteId` of project `projectId` (not found when it belongs to another project). */
export async function loadNote(q: Pick<Queries, "knowledge">, projectId: string, noteId: string): Promise<NoteRow> {
  const note = await q.knowledge.byId(noteId);
  if (!note || note.projectId !== projectId) throw notFound(`note '${noteId}'`);
  return note;
}

/**
 * Whether `viewer` may approve `note`: a curator, and never for a note their own agent wrote (four
 * eyes: an injected agent's learning must be read by somebody else before other agents get it).
 */
export function mayApprove(viewer: Actor, note: NoteRow): boolean {
  return note.status === "proposed" && viewer.kind === "human" && can(viewer.role, CURATE_NOTES) && note.authorUserId !== viewer.userId;
}

/** A note as `viewer` may see it: paths and free text masked with `manifest` (null: unmasked). */
export function noteView(viewer: Actor, note: NoteRow, manifest: ScopeManifest | null): NoteRestView {
  const paths = manifest ? [...new Set(note.paths.map((p) => maskPath(manifest, p)))] : note.paths;
  return {
    id: note.id, body: maskText(manifest, note.body), paths, authorKind: note.authorKind, authorUserId: note.authorUserId, runId: note.runId, createdAt: note.createdAt,
    status: note.status, reviewedBy: note.reviewedBy, updatedAt: note.updatedAt,
    canApprove: mayApprove(viewer, note), canEdit: viewer.kind === "human" && can(viewer.role, CURATE_NOTES),
  };
}
