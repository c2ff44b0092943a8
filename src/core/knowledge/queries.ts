// The knowledge queries the core needs (interface only; src/db/queries/knowledge.ts implements them).

/** `proposed`: written by an agent, waiting for a person; only `approved` notes reach agents. */
export type NoteStatus = "proposed" | "approved";

export interface NoteRow {
  id: string;
  projectId: string;
  body: string;
  paths: string[];
  authorKind: "human" | "agent";
  authorUserId: string | null;
  runId: string | null;
  createdAt: number;
  status: NoteStatus;
  /** The person who approved the note (null while proposed, and for notes people wrote). */
  reviewedBy: string | null;
  /** When a person last edited or approved the note. */
  updatedAt: number | null;
}

export interface KnowledgeQueries {
  /** A project's most recent notes (of `status`, or all when null), newest first. */
  recent(projectId: string, limit: number, status: NoteStatus | null): Promise<NoteRow[]>;
  byId(id: string): Promise<NoteRow | undefined>;
  insert(row: NoteRow): Promise<void>;
  /** A person's edit: new body and paths. */
  update(id: string, change: { body: string; paths: string[]; updatedAt: number }): Promise<void>;
  approve(id: string, reviewedBy: string, updatedAt: number): Promise<void>;
  delete(id: string): Promise<void>;
}
