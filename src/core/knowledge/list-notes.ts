import type { Ctx } from "../context.ts";
import { forbidden } from "../errors.ts";
import { can } from "../roles.ts";
import { projectBySlug } from "../run/access.ts";
import { classifyPath, scopeManifest } from "../scope/manifest.ts";
import { parseInput } from "../validate.ts";
import { noteView } from "./access.ts";
import { ListNotesInput, type NoteRestView } from "./schemas.ts";

/**
 * A project's shared-brain notes (proposed and approved), newest first. Masked roles do not see
 * notes about their excluded modules, and paths in the others' bodies read `‹module›`.
 */
export async function listNotes({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<NoteRestView[]> {
  if (ctx.actor.kind !== "human" || !can(ctx.actor.role, "runs.view")) throw forbidden("sign in to read notes");
  const data = parseInput(ListNotesInput, input);
  const db = ctx.store.read;
  const project = await projectBySlug(db, data.project);
  const manifest = can(ctx.actor.role, "runs.view_unmasked") ? null : await scopeManifest(db, { projectId: project.id, role: ctx.actor.role });
  const rows = await db.knowledge.recent(project.id, data.limit ?? 100, null);
  return rows.flatMap((n) => {
    if (manifest && n.paths.length > 0 && n.paths.every((p) => classifyPath(manifest, p) === "excluded")) return [];
    return [noteView(ctx.actor, n, manifest)];
  });
}
