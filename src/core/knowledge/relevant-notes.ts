import type { NoteViewT } from "../run/schemas.ts";
import { classifyPath, maskPath, maskText, type ScopeManifest } from "../scope/manifest.ts";
import type { Queries } from "../store.ts";
import { RELEVANT_NOTES_LIMIT } from "./schemas.ts";

// Bounds the work per start_run: relevance is ranked over the project's most recent notes only.
const CANDIDATES = 500;

/**
 * The notes an agent receives when it starts a run: ranked by how many of their paths fall in the
 * caller's editable scope (or in `paths` when known), most recent first among equals, at most 10.
 * Only approved notes: an agent's learning reaches other agents once a person approved it. Notes that
 * only concern modules excluded for the caller are left out; paths in the bodies of the others read `‹module›`.
 */
export async function relevantNotes(db: Queries, projectId: string, manifest: ScopeManifest, paths: readonly string[] = []): Promise<NoteViewT[]> {
  const rows = await db.knowledge.recent(projectId, CANDIDATES, "approved");
  const known = new Set(paths);
  const scored = rows.flatMap((row, order) => {
    const access = row.paths.map((p) => classifyPath(manifest, p));
    if (row.paths.length > 0 && access.every((a) => a === "excluded")) return [];
    const overlap = row.paths.filter((p, i) => known.has(p) || (known.size === 0 && access[i] === "editable")).length;
    return [{ row, overlap, order }];
  });
  scored.sort((a, b) => b.overlap - a.overlap || a.order - b.order);
  return scored.slice(0, RELEVANT_NOTES_LIMIT).map(({ row }) => ({
    id: row.id,
    body: maskText(manifest, row.body).slice(0, 2000),
    paths: row.paths.filter((p) => classifyPath(manifest, p) !== "excluded").map((p) => maskPath(manifest, p)).slice(0, 50),
    author_kind: row.authorKind,
    created_at: new Date(row.createdAt).toISOString(),
  }));
}
