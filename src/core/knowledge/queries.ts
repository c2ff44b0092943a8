// The knowledge queries the core needs (interface only; src/db/queries/knowledge.ts implements them).

export interface NoteRow {
  id: string;
  projectId: string;
  body: string;
  paths: string[];
  authorKind: "human" | "agent";
  authorUserId: string | null;
  runId: string | null;
  createdAt: number;
}

export interface KnowledgeQueries {
  /** A project's most recent notes, newest first. */
  recent(projectId: string, limit: number): Promise<NoteRow[]>;
  insert(row: NoteRow): Promise<void>;
}
