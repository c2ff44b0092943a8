import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { runbooks, runs } from "./runs.ts";
import { projects } from "./projects.ts";

/**
 * Token budgets of a project (DESIGN §13): a limit per calendar month (UTC) and the default limit
 * of each run; null means no limit. Tokens are input + output tokens (cache tokens are priced, not budgeted).
 */
export const projectBudgets = sqliteTable("project_budgets", {
  projectId: text("project_id").primaryKey().references(() => projects.id, { onDelete: "cascade" }),
  monthlyTokens: integer("monthly_tokens"),
  runTokens: integer("run_tokens"),
  updatedAt: integer("updated_at").notNull(),
  updatedBy: text("updated_by"),
});

/** Tokens a project used per UTC month (`YYYY-MM`), incremented in SQL by every usage report. */
export const projectUsageMonths = sqliteTable("project_usage_months", {
  projectId: text("project_id").notNull().references(() => projects.id, { onDelete: "cascade" }),
  month: text("month").notNull(),
  tokens: integer("tokens").notNull(),
}, (t) => [uniqueIndex("project_usage_months_unique").on(t.projectId, t.month)]);

/**
 * What approving a run's budget checkpoints raised: its own limit (null: the project's default)
 * and the tokens it may use beyond the project's monthly budget.
 */
export const runBudgets = sqliteTable("run_budgets", {
  runId: text("run_id").primaryKey().references(() => runs.id, { onDelete: "cascade" }),
  limitTokens: integer("limit_tokens"),
  projectExtraTokens: integer("project_extra_tokens").notNull(),
  updatedAt: integer("updated_at").notNull(),
});

/**
 * Budget thresholds already crossed, one row per (scope, period, percent): the primary key makes
 * "exactly one 80% notice" hold however many reports cross it at once.
 */
export const budgetMarks = sqliteTable("budget_marks", {
  key: text("key").primaryKey(),
  projectId: text("project_id").notNull().references(() => projects.id, { onDelete: "cascade" }),
  runId: text("run_id"),
  scope: text("scope", { enum: ["project", "run"] }).notNull(),
  percent: integer("percent").notNull(),
  limitTokens: integer("limit_tokens").notNull(),
  usedTokens: integer("used_tokens").notNull(),
  period: text("period").notNull(),
  createdAt: integer("created_at").notNull(),
}, (t) => [index("budget_marks_project_idx").on(t.projectId, t.createdAt)]);

/**
 * Runbook patches the ritual miner proposes (DESIGN §13), each with its evidence. One live
 * proposal per pattern (the partial unique index); a dismissed one mutes its pattern until `mutedUntil`.
 */
export const runbookProposals = sqliteTable("runbook_proposals", {
  id: text("id").primaryKey(),
  pattern: text("pattern").notNull(),
  rule: text("rule", { enum: ["gate_evidence", "drift_phase", "scope_exception", "failing_build"] }).notNull(),
  runbookId: text("runbook_id").references(() => runbooks.id, { onDelete: "cascade" }),
  projectId: text("project_id").references(() => projects.id, { onDelete: "cascade" }),
  /** What the patch changes: a runbook version, or a module's access level for a role. */
  target: text("target", { enum: ["runbook", "module_access"] }).notNull(),
  baseVersionId: text("base_version_id"),
  phases: text("phases", { mode: "json" }),
  module: text("module_name"),
  role: text("role", { enum: ["owner", "admin", "lead", "developer", "auditor"] }),
  fromLevel: text("from_level", { enum: ["editable", "read_only", "excluded"] }),
  toLevel: text("to_level", { enum: ["editable", "read_only", "excluded"] }),
  /** One line per change, in words. */
  changes: text("changes", { mode: "json" }).$type<string[]>().notNull(),
  /** Loosens the process: needs a second person after the first approval (four eyes). */
  weakening: integer("weakening", { mode: "boolean" }).notNull(),
  evidence: text("evidence", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
  status: text("status", { enum: ["open", "awaiting_second", "approved", "dismissed"] }).notNull(),
  createdAt: integer("created_at").notNull(),
  firstApprovedBy: text("first_approved_by"),
  decidedBy: text("decided_by"),
  decidedAt: integer("decided_at"),
  decisionReason: text("decision_reason"),
  mutedUntil: integer("muted_until"),
  versionId: text("version_id"),
}, (t) => [
  index("runbook_proposals_status_idx").on(t.status, t.createdAt),
  index("runbook_proposals_pattern_idx").on(t.pattern, t.status),
]);

/** Leases of background jobs, so one node runs a job at a time (the ritual miner). */
export const jobLeases = sqliteTable("job_leases", {
  name: text("name").primaryKey(),
  holder: text("holder").notNull(),
  leaseUntil: integer("lease_until").notNull(),
  lastRunAt: integer("last_run_at"),
});
