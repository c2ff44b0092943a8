import { z } from "zod";
import { idPattern } from "../../lib/ids.ts";
import { ProjectSlug } from "../project/schemas.ts";
import { PhaseName } from "../runbook/schemas.ts";

// Shared by the MCP tools (their input and output schemas) and the REST views. Field names are
// snake_case because agents read them; every string is capped and every object strict (rule 6).

export const MAX_PATH_LENGTH = 512;
export const MAX_PATHS_PER_CALL = 200;

/** Why a reported path is not a normalised repository-relative path, or null when it is. */
export function pathProblem(path: string): string | null {
  if (/[\u0000-\u001f\u007f]/.test(path)) return "must not contain NUL or control characters";
  if (path.includes("\\")) return "must use forward slashes (no backslashes)";
  if (/^[A-Za-z]:/.test(path)) return "must be repository-relative (no drive letter)";
  if (path.startsWith("/")) return "must be repository-relative (no leading '/')";
  const segments = path.split("/");
  if (segments.includes("..")) return "must not contain '..' segments";
  if (segments.includes(".")) return "must be normalised (no '.' segments)";
  if (segments.includes("")) return "must not contain empty segments ('//' or a trailing '/')";
  return implausiblePath(path);
}

// Rule 2: a path field carries a path, not a line of source, a diff marker or a shell command.
const NOT_A_PATH: readonly [RegExp, string][] = [
  [/^\s|\s$/, "must not start or end with whitespace"],
  [/^(?:@@ |\+\+\+ |--- |```|~~~)/, "must be a file path, not a diff or a code fence"],
  [/^(?:import|export|from|const|let|var|val|function|def|class|return|if|for|while|await|async|throw|raise|public|private|protected|static|package|using|fn|func|print|echo|sudo|curl|rm)\s/, "must be a file path, not source code or a command"],
  [/;/, "must be a file path, not source code or a command (contains ';')"],
  [/[`"<>|]/, "must be a file path, not source code or a command (contains a quote, '<', '>' or '|')"],
  [/&&|=>|\s=\s|\s==|\s=$|\$[({]|^\$[A-Za-z_]+\//, "must be a file path, not source code or a command (an operator or a variable)"],
  [/[\w$.]\((?!\d+\))/, "must be a file path, not a call (parentheses with arguments)"],
  [/:\d+(?::\d+)?$/, "must be a file path without a ':line' suffix"],
  [/^[^A-Za-z0-9]*$/, "must name a file or directory"],
];

function implausiblePath(path: string): string | null {
  for (const [pattern, why] of NOT_A_PATH) if (pattern.test(path)) return why;
  return null;
}

export const RepoPath = z.string().min(1).max(MAX_PATH_LENGTH).superRefine((value, ctx) => {
  const why = pathProblem(value);
  if (why) ctx.addIssue({ code: "custom", message: why });
});

const id = (prefix: Parameters<typeof idPattern>[0]) => z.string().max(prefix.length + 21).regex(idPattern(prefix), `expected an id like ${prefix}_…`);
export const RunId = id("run");
export const UnitId = id("wu");
export const CheckpointId = id("ck");
export { ProjectSlug };

const count = z.int().min(0).max(1_000_000_000);

export const RUN_STATUSES = ["active", "awaiting_approval", "blocked", "completed", "failed", "cancelled"] as const;
export const FINISHED_STATUSES: readonly string[] = ["completed", "failed", "cancelled"];
export const UNIT_STATUSES = ["planned", "in_progress", "done", "failed", "skipped", "blocked"] as const;
export type UnitStatus = (typeof UNIT_STATUSES)[number];
export const FILE_ACTIONS = ["read", "modified", "created", "deleted"] as const;
export const ACCESS_LEVELS = ["editable", "read_only", "excluded", "unlisted"] as const;
export const APPROVAL_REASONS = ["destructive_action", "scope_exception", "dependency_change", "release", "other"] as const;
export const BUILD_KINDS = ["build", "test", "lint"] as const;
export const OUTCOMES = ["completed", "failed", "cancelled"] as const;

// ---- inputs ---------------------------------------------------------------------------------

export const StartRunInput = z.strictObject({
  project: ProjectSlug,
  title: z.string().min(1).max(200),
  ticket: z.string().min(1).max(100).optional(),
  branch: z.string().min(1).max(255).optional(),
});

export const GetScopeInput = z.strictObject({ project: ProjectSlug });

export const PlanWorkInput = z.strictObject({
  run_id: RunId,
  units: z.array(z.strictObject({ title: z.string().min(1).max(200), paths: z.array(RepoPath).max(50) })).min(1).max(50),
}).superRefine((value, ctx) => {
  const total = value.units.reduce((n, u) => n + u.paths.length, 0);
  if (total > MAX_PATHS_PER_CALL) ctx.addIssue({ code: "custom", path: ["units"], message: `at most ${MAX_PATHS_PER_CALL} paths per call (got ${total}); plan in several calls` });
});

export const UpdateWorkUnitInput = z.strictObject({
  run_id: RunId,
  unit_id: UnitId,
  status: z.enum(UNIT_STATUSES),
  note: z.string().max(500).optional(),
  paths: z.array(RepoPath).max(50).optional(),
});

export const ReportFilesInput = z.strictObject({
  run_id: RunId,
  action: z.enum(FILE_ACTIONS),
  paths: z.array(RepoPath).min(1).max(MAX_PATHS_PER_CALL),
});

export const AdvancePhaseInput = z.strictObject({
  run_id: RunId,
  phase: PhaseName,
  summary: z.string().max(2000).optional(),
});

export const RequestApprovalInput = z.strictObject({
  run_id: RunId,
  reason: z.enum(APPROVAL_REASONS),
  summary: z.string().min(1).max(2000),
});

export const ReportBuildInput = z.strictObject({
  run_id: RunId,
  kind: z.enum(BUILD_KINDS),
  exit_code: z.int().min(-2_147_483_648).max(2_147_483_647),
  duration_ms: z.int().min(0).max(7 * 24 * 3_600_000),
  log_tail: z.string().max(500).optional(),
});

export const ReportUsageInput = z.strictObject({
  run_id: RunId,
  model: z.string().min(1).max(100),
  input_tokens: count,
  output_tokens: count,
  cache_tokens: count.optional(),
  calls: z.int().min(0).max(1_000_000).optional(),
});

export const LinkChangeInput = z.strictObject({
  run_id: RunId,
  branch: z.string().min(1).max(255).optional(),
  pr_url: z.string().max(2048).regex(/^https?:\/\/[^\s]+$/, "expected an http:// or https:// URL").optional(),
  commit_sha: z.string().min(7).max(64).regex(/^[0-9a-f]+$/i, "expected a hex commit SHA (7-64 characters)").optional(),
});

export const FinishRunInput = z.strictObject({
  run_id: RunId,
  outcome: z.enum(OUTCOMES),
  summary: z.string().min(1).max(2000),
  learnings: z.array(z.string().min(1).max(2000)).max(5).optional(),
});

// ---- outputs --------------------------------------------------------------------------------

const iso = z.string().max(40);
const listOf = <T extends z.ZodType>(item: T, max: number) => z.array(item).max(max);

export const Violation = z.strictObject({
  path: z.string().max(MAX_PATH_LENGTH + 80),
  access: z.enum(["read_only", "excluded"]),
  action: z.string().max(20),
});
export type ViolationView = z.infer<typeof Violation>;

export const ScopeView = z.strictObject({
  project: z.string().max(64),
  editable: listOf(z.string().max(600), 1000),
  read_only: listOf(z.string().max(600), 1000),
  excluded: listOf(z.string().max(600), 1000),
});
export type ScopeViewT = z.infer<typeof ScopeView>;

export const PhaseView = z.strictObject({
  name: z.string().max(40),
  gate_min_role: z.string().max(20).nullable(),
  exit_requires: z.string().max(40).nullable(),
});

export const NoteView = z.strictObject({
  id: z.string().max(30),
  body: z.string().max(2000),
  paths: listOf(z.string().max(600), 50),
  author_kind: z.enum(["human", "agent"]),
  created_at: iso,
});
export type NoteViewT = z.infer<typeof NoteView>;

export const StartRunOutput = z.strictObject({
  run_id: z.string().max(30),
  status: z.enum(RUN_STATUSES),
  phase: z.string().max(40),
  runbook: z.strictObject({ id: z.string().max(30), name: z.string().max(200), version: z.int(), phases: listOf(PhaseView, 20) }),
  scope: ScopeView,
  notes: listOf(NoteView, 10),
});

export const PlanWorkOutput = z.strictObject({
  run_id: z.string().max(30),
  units: listOf(z.strictObject({ unit_id: z.string().max(30), title: z.string().max(200), status: z.enum(UNIT_STATUSES) }), 50),
  violations: listOf(Violation, MAX_PATHS_PER_CALL),
});

export const UpdateWorkUnitOutput = z.strictObject({
  unit_id: z.string().max(30),
  status: z.enum(UNIT_STATUSES),
  previous_status: z.enum(UNIT_STATUSES),
  violations: listOf(Violation, 50),
});

export const ReportFilesOutput = z.strictObject({
  run_id: z.string().max(30),
  files: listOf(z.strictObject({ path: z.string().max(600), access: z.enum(ACCESS_LEVELS) }), MAX_PATHS_PER_CALL),
  violations: listOf(Violation, MAX_PATHS_PER_CALL),
});

export const AdvancePhaseOutput = z.strictObject({
  run_id: z.string().max(30),
  status: z.enum(RUN_STATUSES),
  phase: z.string().max(40),
  checkpoint_id: z.string().max(30).nullable(),
  message: z.string().max(500),
});

export const RequestApprovalOutput = z.strictObject({
  checkpoint_id: z.string().max(30),
  status: z.literal("pending"),
  expires_at: iso,
});

export const CheckpointView = z.strictObject({
  checkpoint_id: z.string().max(30),
  run_id: z.string().max(30),
  kind: z.enum(["phase_gate", "approval"]),
  target_phase: z.string().max(40).nullable(),
  status: z.enum(["pending", "approved", "rejected", "expired"]),
  required_role: z.string().max(20),
  decider_role: z.string().max(20).nullable(),
  reason: z.string().max(500).nullable(),
  decided_at: iso.nullable(),
  expires_at: iso,
});
export type CheckpointViewT = z.infer<typeof CheckpointView>;

export const ReportBuildOutput = z.strictObject({
  build_id: z.string().max(30),
  run_id: z.string().max(30),
  phase: z.string().max(40),
  kind: z.enum(BUILD_KINDS),
  exit_code: z.int(),
  drift: z.string().max(40).nullable(),
});

export const ReportUsageOutput = z.strictObject({
  run_id: z.string().max(30),
  totals: z.strictObject({ input_tokens: z.int(), output_tokens: z.int(), cache_tokens: z.int(), calls: z.int() }),
});

export const LinkChangeOutput = z.strictObject({
  run_id: z.string().max(30),
  branch: z.string().max(255).nullable(),
  pr_url: z.string().max(2048).nullable(),
  commit_sha: z.string().max(64).nullable(),
});

export const FinishRunOutput = z.strictObject({
  run_id: z.string().max(30),
  status: z.enum(RUN_STATUSES),
  phase: z.string().max(40),
  notes_recorded: z.int(),
  finished_at: iso,
});
