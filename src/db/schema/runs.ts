import { sql } from "drizzle-orm";
import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { pluginKeys, users } from "./people.ts";
import { projects } from "./projects.ts";

export const runbooks = sqliteTable("runbooks", {
  id: text("id").primaryKey(),
  /** Null for the workspace default runbook. */
  projectId: text("project_id").references(() => projects.id, { onDelete: "cascade" }),
  name: text("name").notNull(),
  createdAt: integer("created_at").notNull(),
});

/** Immutable published versions; editing a runbook inserts a new row. */
export const runbookVersions = sqliteTable("runbook_versions", {
  id: text("id").primaryKey(),
  runbookId: text("runbook_id").notNull().references(() => runbooks.id, { onDelete: "cascade" }),
  version: integer("version").notNull(),
  phases: text("phases", { mode: "json" }).notNull(),
  createdBy: text("created_by"),
  createdAt: integer("created_at").notNull(),
}, (t) => [uniqueIndex("runbook_versions_unique").on(t.runbookId, t.version)]);

/**
 * A proposed runbook version that loosens the process (DESIGN §13): it becomes a version only when a
 * second person with runbook-edit rights approves it.
 */
export const runbookChanges = sqliteTable("runbook_changes", {
  id: text("id").primaryKey(),
  runbookId: text("runbook_id").notNull().references(() => runbooks.id, { onDelete: "cascade" }),
  /** The version the change was proposed against; approving after another publish is refused. */
  baseVersionId: text("base_version_id").notNull(),
  phases: text("phases", { mode: "json" }).notNull(),
  /** Why the change needs a second person (one line per loosening). */
  loosenings: text("loosenings", { mode: "json" }).$type<string[]>().notNull(),
  status: text("status", { enum: ["pending", "approved", "rejected"] }).notNull(),
  proposedBy: text("proposed_by").notNull(),
  proposedAt: integer("proposed_at").notNull(),
  decidedBy: text("decided_by"),
  decidedAt: integer("decided_at"),
  decisionReason: text("decision_reason"),
  versionId: text("version_id"),
}, (t) => [index("runbook_changes_runbook_idx").on(t.runbookId, t.status)]);

export const runs = sqliteTable("runs", {
  id: text("id").primaryKey(),
  projectId: text("project_id").notNull().references(() => projects.id),
  runbookVersionId: text("runbook_version_id").notNull().references(() => runbookVersions.id),
  title: text("title").notNull(),
  ticket: text("ticket"),
  ownerUserId: text("owner_user_id").notNull().references(() => users.id),
  keyId: text("key_id").references(() => pluginKeys.id),
  status: text("status", { enum: ["active", "awaiting_approval", "blocked", "completed", "failed", "cancelled"] }).notNull(),
  phase: text("phase").notNull(),
  phaseEnteredAt: integer("phase_entered_at").notNull(),
  branch: text("branch"),
  prUrl: text("pr_url"),
  commitSha: text("commit_sha"),
  inputTokens: integer("input_tokens").notNull().default(0),
  outputTokens: integer("output_tokens").notNull().default(0),
  cacheTokens: integer("cache_tokens").notNull().default(0),
  calls: integer("calls").notNull().default(0),
  summary: text("summary"),
  createdAt: integer("created_at").notNull(),
  updatedAt: integer("updated_at").notNull(),
  finishedAt: integer("finished_at"),
}, (t) => [
  index("runs_status_idx").on(t.status, t.updatedAt), index("runs_owner_idx").on(t.ownerUserId), index("runs_project_idx").on(t.projectId),
  // A person's open runs (start_run's warnings, get_run), without reading every run they ever had.
  index("runs_owner_open_idx").on(t.ownerUserId, t.updatedAt).where(sql`${t.status} NOT IN ('completed', 'failed', 'cancelled')`),
]);

export const workUnits = sqliteTable("work_units", {
  id: text("id").primaryKey(),
  runId: text("run_id").notNull().references(() => runs.id, { onDelete: "cascade" }),
  position: integer("position").notNull(),
  title: text("title").notNull(),
  paths: text("paths", { mode: "json" }).$type<string[]>().notNull(),
  status: text("status", { enum: ["planned", "in_progress", "done", "failed", "skipped", "blocked"] }).notNull(),
  note: text("note"),
  createdAt: integer("created_at").notNull(),
  updatedAt: integer("updated_at").notNull(),
}, (t) => [index("work_units_run_idx").on(t.runId, t.position)]);

export const checkpoints = sqliteTable("checkpoints", {
  id: text("id").primaryKey(),
  runId: text("run_id").notNull().references(() => runs.id, { onDelete: "cascade" }),
  kind: text("kind", { enum: ["phase_gate", "approval", "budget"] }).notNull(),
  targetPhase: text("target_phase"),
  reason: text("reason").notNull(),
  summary: text("summary"),
  requiredRole: text("required_role", { enum: ["owner", "admin", "lead", "developer", "auditor"] }).notNull(),
  status: text("status", { enum: ["pending", "approved", "rejected", "expired"] }).notNull(),
  requestedAt: integer("requested_at").notNull(),
  expiresAt: integer("expires_at").notNull(),
  decidedAt: integer("decided_at"),
  decidedBy: text("decided_by"),
  deciderRole: text("decider_role"),
  decisionReason: text("decision_reason"),
}, (t) => [
  index("checkpoints_status_idx").on(t.status, t.requestedAt),
  // A run's checkpoints of one status (pending, on nearly every agent call), newest first: without
  // the status here the planner walked every pending checkpoint of every run.
  index("checkpoints_run_status_idx").on(t.runId, t.status, t.requestedAt),
]);

export const builds = sqliteTable("builds", {
  id: text("id").primaryKey(),
  runId: text("run_id").notNull().references(() => runs.id, { onDelete: "cascade" }),
  phase: text("phase").notNull(),
  kind: text("kind", { enum: ["build", "test", "lint"] }).notNull(),
  exitCode: integer("exit_code").notNull(),
  durationMs: integer("duration_ms").notNull(),
  logTail: text("log_tail"),
  createdAt: integer("created_at").notNull(),
}, (t) => [index("builds_run_idx").on(t.runId, t.createdAt)]);

export const usageReports = sqliteTable("usage_reports", {
  id: text("id").primaryKey(),
  runId: text("run_id").notNull().references(() => runs.id, { onDelete: "cascade" }),
  model: text("model").notNull(),
  inputTokens: integer("input_tokens").notNull(),
  outputTokens: integer("output_tokens").notNull(),
  cacheTokens: integer("cache_tokens").notNull(),
  calls: integer("calls").notNull(),
  createdAt: integer("created_at").notNull(),
}, (t) => [index("usage_reports_run_idx").on(t.runId), index("usage_reports_time_idx").on(t.createdAt)]);

export const fileReports = sqliteTable("file_reports", {
  id: text("id").primaryKey(),
  runId: text("run_id").notNull().references(() => runs.id, { onDelete: "cascade" }),
  action: text("action", { enum: ["read", "modified", "created", "deleted"] }).notNull(),
  path: text("path").notNull(),
  access: text("access", { enum: ["editable", "read_only", "excluded", "unlisted"] }).notNull(),
  createdAt: integer("created_at").notNull(),
}, (t) => [index("file_reports_run_idx").on(t.runId)]);

/** Off-script events: gate skips, phase mismatches, scope violations, repeated failing builds, claim conflicts. */
export const driftSignals = sqliteTable("drift_signals", {
  id: text("id").primaryKey(),
  runId: text("run_id").notNull().references(() => runs.id, { onDelete: "cascade" }),
  kind: text("kind", { enum: ["gate_skip", "phase_mismatch", "scope_violation", "repeated_build_failure", "claim_conflict"] }).notNull(),
  path: text("path"),
  detail: text("detail", { mode: "json" }).$type<Record<string, string | number | boolean | null>>().notNull(),
  createdAt: integer("created_at").notNull(),
}, (t) => [index("drift_signals_run_idx").on(t.runId), index("drift_signals_time_idx").on(t.createdAt)]);

/**
 * Paths a run claims while it is active (DESIGN §13): the ones it plans or changes. At most one live
 * claim per project and path (the partial unique index backs the check-then-insert in one write).
 * A claim ends when its run finishes or is cancelled, or when the run has been idle too long and
 * another run wants the path; ended claims stay for the run's page.
 */
export const runClaims = sqliteTable("run_claims", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  projectId: text("project_id").notNull().references(() => projects.id),
  runId: text("run_id").notNull().references(() => runs.id, { onDelete: "cascade" }),
  path: text("path").notNull(),
  source: text("source", { enum: ["plan", "modified", "created", "deleted"] }).notNull(),
  claimedAt: integer("claimed_at").notNull(),
  refreshedAt: integer("refreshed_at").notNull(),
  endedAt: integer("ended_at"),
  endReason: text("end_reason", { enum: ["completed", "failed", "cancelled", "expired"] }),
}, (t) => [
  uniqueIndex("run_claims_live_path").on(t.projectId, t.path).where(sql`${t.endedAt} IS NULL`),
  index("run_claims_run_idx").on(t.runId, t.endedAt),
]);
