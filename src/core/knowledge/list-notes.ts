import type { Ctx } from "../context.ts";
import { forbidden } from "../errors.ts";
import { can } from "../roles.ts";
import { projectBySlug } from "../run/access.ts";
import { classifyPath, maskPath, scopeManifest } from "../scope/manifest.ts";
import { parseInput } from "../validate.ts";
import { ListNotesInput, type NoteRestView } from "./schemas.ts";

/** A project's shared-brain notes, newest first; masked roles do not see notes about their excluded modules. */
export async function listNotes({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<NoteRestView[]> {
  if (ctx.actor.kind !== "human" || !can(ctx.actor.role, "runs.view")) throw forbidden("sign in to read notes");
  const data = parseInput(ListNotesInput, input);
  const db = ctx.store.read;
  const project = await projectBySlug(db, data.project);
  const manifest = can(ctx.actor.role, "runs.view_unmasked") ? null : await scopeManifest(db, { projectId: project.id, role: ctx.actor.role });
  const rows = await db.knowledge.recent(project.id, data.limit ?? 100);
  return rows.flatMap((n) => {
    if (manifest && n.paths.length > 0 && n.paths.every((p) => classifyPath(manifest, p) === "excluded")) return [];
    const paths = manifest ? [...new Set(n.paths.map((p) => maskPath(manifest, p)))] : n.paths;
    return [{ id: n.id, body: n.body, paths, authorKind: n.authorKind, authorUserId: n.authorUserId, runId: n.runId, createdAt: n.createdAt }];
  });
}
