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
}
