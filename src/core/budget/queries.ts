// The budget queries the core needs (interface only; src/db/queries/budget.ts implements them).

export interface ProjectBudgetRow {
  projectId: string;
  /** Tokens per calendar month (UTC); null: no limit. */
  monthlyTokens: number | null;
  /** Default tokens per run; null: no limit. */
  runTokens: number | null;
  updatedAt: number;
  updatedBy: string | null;
}

export interface RunBudgetRow {
  runId: string;
  /** The run's raised limit; null: the project's default. */
  limitTokens: number | null;
  /** Tokens the run may use beyond the project's monthly budget (raised by approvals). */
  projectExtraTokens: number;
  updatedAt: number;
}

export interface BudgetMarkRow {
  key: string;
  projectId: string;
  runId: string | null;
  scope: "project" | "run";
  percent: number;
  limitTokens: number;
  usedTokens: number;
  /** `YYYY-MM` for the project's month; the run's limit for a run. */
  period: string;
  createdAt: number;
}

export interface ModelUsageRow {
  model: string;
  inputTokens: number;
  outputTokens: number;
  cacheTokens: number;
}

export interface BudgetQueries {
  projectBudget(projectId: string): Promise<ProjectBudgetRow | undefined>;
  /** Inserts or replaces a project's budget. */
  putProjectBudget(row: ProjectBudgetRow): Promise<void>;
  /** Adds tokens to the project's month, in SQL (concurrent reports all count); returns the new total. */
  addMonthUsage(projectId: string, month: string, tokens: number): Promise<number>;
  monthUsage(projectId: string, month: string): Promise<number>;
  runBudget(runId: string): Promise<RunBudgetRow | undefined>;
  /** Inserts or replaces a run's raised budget. */
  putRunBudget(row: RunBudgetRow): Promise<void>;
  /** Records a threshold crossing unless its key exists; true when this call recorded it. */
  insertMark(row: BudgetMarkRow): Promise<boolean>;
  /** A project's crossings since `since`, newest first. */
  marks(projectId: string, since: number, limit: number): Promise<BudgetMarkRow[]>;
  /** Tokens per model reported since `since` (all projects, or one). */
  usageByModel(since: number, projectId: string | null): Promise<ModelUsageRow[]>;
}
