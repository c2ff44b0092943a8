import { Elysia } from "elysia";
import { listNotes } from "../../core/knowledge/list-notes.ts";
import { recordNote } from "../../core/knowledge/record-note.ts";
import { approveNote, deleteNote, updateNote } from "../../core/knowledge/review-note.ts";
import { authenticate, bodyFields } from "../auth.ts";
import type { RouteDeps } from "./index.ts";

/** The shared brain: a project's notes, read by people and handed (once approved) to agents at start_run. */
export function knowledgeRoutes(deps: RouteDeps) {
  return new Elysia()
    .get("/api/projects/:slug/notes", async ({ request, set, params }) => {
      const ctx = await authenticate(deps, request, set);
      const limit = new URL(request.url).searchParams.get("limit");
      return { notes: await listNotes({ ctx, input: { project: params.slug, ...(limit ? { limit: Number(limit) } : {}) } }) };
    }, { detail: { summary: "A project's shared-brain notes, newest first (proposed and approved)" } })
    .post("/api/projects/:slug/notes", async ({ request, set, params, body }) => {
      const ctx = await authenticate(deps, request, set, { write: true });
      const note = await recordNote({ ctx, input: { ...bodyFields(body), project: params.slug } });
      set.status = 201;
      return { note };
    }, { detail: { summary: "Add a note {body ≤ 2000, paths?} (scanned for secrets and PII)" } })
    .post("/api/projects/:slug/notes/:id/approve", async ({ request, set, params }) => {
      const ctx = await authenticate(deps, request, set, { write: true });
      return { note: await approveNote({ ctx, input: { project: params.slug, noteId: params.id } }) };
    }, { detail: { summary: "Approve an agent-written note so it reaches other agents (lead, admin, owner; not one's own agent's)" } })
    .patch("/api/projects/:slug/notes/:id", async ({ request, set, params, body }) => {
      const ctx = await authenticate(deps, request, set, { write: true });
      return { note: await updateNote({ ctx, input: { ...bodyFields(body), project: params.slug, noteId: params.id } }) };
    }, { detail: { summary: "Edit a note {body ≤ 2000, paths?} (lead, admin, owner; scanned)" } })
    .delete("/api/projects/:slug/notes/:id", async ({ request, set, params }) => {
      const ctx = await authenticate(deps, request, set, { write: true });
      return await deleteNote({ ctx, input: { project: params.slug, noteId: params.id } });
    }, { detail: { summary: "Delete a note (lead, admin, owner)" } });
}
