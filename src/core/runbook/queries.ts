// The runbook queries the core needs (interface only; src/db/queries/runbook.ts implements them).

export interface RunbookRow {
  id: string;
  /** Null for the workspace default runbook. */
  projectId: string | null;
  name: string;
  createdAt: number;
}

export interface RunbookVersionRow {
  id: string;
  runbookId: string;
  version: number;
  /** The phases as stored (PhaseDef[], validated when published). */
  phases: unknown;
  createdBy: string | null;
  createdAt: number;
}

/** A proposed runbook version that loosens the process and waits for a second person (DESIGN §13). */
export interface RunbookChangeRow {
  id: string;
  runbookId: string;
  baseVersionId: string;
  /** The proposed phases (PhaseDef[], validated when proposed). */
  phases: unknown;
  loosenings: string[];
  status: "pending" | "approved" | "rejected";
  proposedBy: string;
  proposedAt: number;
  decidedBy: string | null;
  decidedAt: number | null;
  decisionReason: string | null;
  versionId: string | null;
}

export interface RunbookQueries {
  byId(id: string): Promise<RunbookRow | undefined>;
  /** Every runbook, oldest first, each with its latest version (null when it has none). */
  allWithLatest(): Promise<{ runbook: RunbookRow; latest: RunbookVersionRow | null }[]>;
  /** A runbook's versions, newest first. */
  versions(runbookId: string): Promise<RunbookVersionRow[]>;
  latestVersion(runbookId: string): Promise<RunbookVersionRow | undefined>;
  versionById(id: string): Promise<RunbookVersionRow | undefined>;
  /**
   * The runbook a new run on the project uses, with its latest version: the project's own, else
   * the workspace runbook `defaultId`, else any workspace runbook.
   */
  forProject(projectId: string, defaultId: string): Promise<{ runbook: RunbookRow; latest: RunbookVersionRow | null } | undefined>;
  insert(row: RunbookRow): Promise<void>;
  insertVersion(row: RunbookVersionRow): Promise<void>;
  insertChange(row: RunbookChangeRow): Promise<void>;
  changeById(id: string): Promise<RunbookChangeRow | undefined>;
  /** A runbook's pending changes, oldest first. */
  pendingChanges(runbookId: string): Promise<RunbookChangeRow[]>;
  decideChange(id: string, decision: { status: "approved" | "rejected"; decidedBy: string; decidedAt: number; decisionReason: string | null; versionId: string | null }): Promise<void>;
}
