import { z } from "zod";
import { ProjectSlug, RepoPath } from "../run/schemas.ts";

export const MAX_NOTE_LENGTH = 2000;
export const RELEVANT_NOTES_LIMIT = 10;

export const RecordNoteInput = z.strictObject({
  project: ProjectSlug,
  body: z.string().min(1).max(MAX_NOTE_LENGTH),
  paths: z.array(RepoPath).max(50).optional(),
});

export const ListNotesInput = z.strictObject({
  project: ProjectSlug,
  limit: z.int().min(1).max(200).optional(),
});

export const NoteRef = z.strictObject({ project: ProjectSlug, noteId: z.string().max(40) });

export const UpdateNoteInput = z.strictObject({
  project: ProjectSlug,
  noteId: z.string().max(40),
  body: z.string().min(1).max(MAX_NOTE_LENGTH),
  paths: z.array(RepoPath).max(50).optional(),
});

/** A note as the REST API shows it (ms timestamps; paths masked for the viewer's role). */
export interface NoteRestView {
  id: string;
  body: string;
  paths: string[];
  authorKind: "human" | "agent";
  authorUserId: string | null;
  runId: string | null;
  createdAt: number;
  /** `proposed` (an agent's note no other agent receives yet) or `approved`. */
  status: "proposed" | "approved";
  reviewedBy: string | null;
  updatedAt: number | null;
  /** Whether the viewer may approve (proposed notes, not their own agent's), edit and delete it. */
  canApprove: boolean;
  canEdit: boolean;
}
