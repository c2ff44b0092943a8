import { z } from "zod";
import { idPattern } from "../../lib/ids.ts";
import { ProjectSlug } from "../project/schemas.ts";
import { ROLES } from "../roles.ts";
import { EXIT_REQUIREMENTS, GATE_ROLES, PhaseName } from "../runbook/schemas.ts";

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
// Every input property carries a one-line description (what it is, where its value comes from): an
// agent uses the catalogue from its metadata alone. A test fails when one is missing.

const RunRef = RunId.describe("The run id start_run returned (run_…). Lost it? get_run without arguments lists your open runs.");

export const StartRunInput = z.strictObject({
  project: ProjectSlug.describe("The project's slug as an admin created it in Railyard (e.g. 'shop'); get_scope takes the same slug."),
  title: z.string().min(1).max(200).describe("One line naming the story, shown to your team; get_run lists your open runs by it."),
  ticket: z.string().min(1).max(100).optional().describe("The issue tracker's key for the story (e.g. 'SHOP-123'), if there is one."),
  branch: z.string().min(1).max(255).optional().describe("Your git branch, if known now (link_change can set it later); start_run warns if another open run of yours uses it."),
});

export const GetScopeInput = z.strictObject({ project: ProjectSlug.describe("The project's slug (the one start_run takes).") });

export const PlanWorkInput = z.strictObject({
  run_id: RunRef,
  units: z.array(z.strictObject({
    title: z.string().min(1).max(200).describe("One line naming the unit of work."),
    paths: z.array(RepoPath).max(50).describe("Repository-relative paths the unit will change (files or directories); checked against your scope and claimed for this run."),
  })).min(1).max(50).describe("Units to add, in the order you will do them; one with the same title and paths that is still open is returned, not added again."),
}).superRefine((value, ctx) => {
  const total = value.units.reduce((n, u) => n + u.paths.length, 0);
  if (total > MAX_PATHS_PER_CALL) ctx.addIssue({ code: "custom", path: ["units"], message: `at most ${MAX_PATHS_PER_CALL} paths per call (got ${total}); plan in several calls` });
});

export const UpdateWorkUnitInput = z.strictObject({
  run_id: RunRef,
  unit_id: UnitId.describe("The unit id plan_work returned (wu_…)."),
  status: z.enum(UNIT_STATUSES).describe("The unit's new status: planned → in_progress → done, or failed, skipped, blocked; repeating the current one changes nothing."),
  note: z.string().max(500).optional().describe("A short note for your team (why it is blocked, what was skipped); replaces the unit's previous note."),
  paths: z.array(RepoPath).max(50).optional().describe("More paths the unit changes: added to its paths (never replacing them), checked against your scope and claimed."),
});

export const ReportFilesInput = z.strictObject({
  run_id: RunRef,
  action: z.enum(FILE_ACTIONS).describe("What you did to the paths; anything but 'read' claims them for this run."),
  paths: z.array(RepoPath).min(1).max(MAX_PATHS_PER_CALL).describe("Repository-relative, normalised paths (no '..', no leading '/'), at most 200 per call."),
});

export const AdvancePhaseInput = z.strictObject({
  run_id: RunRef,
  phase: PhaseName.describe("The phase to enter: the next name in the runbook's phases (start_run, get_run), one at a time, or any earlier one to rework."),
  summary: z.string().max(2000).optional().describe("What was done, for the person deciding a gate; stored as the run's summary (not stored when refused)."),
});

export const RequestApprovalInput = z.strictObject({
  run_id: RunRef,
  reason: z.enum(APPROVAL_REASONS).describe("Why a person must decide: scope_exception is for changing a path outside your editable scope."),
  summary: z.string().min(1).max(2000).describe("What you want to do and why, for the deciding lead: metadata only (no code, diffs or secrets)."),
});

export const ReportBuildInput = z.strictObject({
  run_id: RunRef,
  kind: z.enum(BUILD_KINDS).describe("Which command ran; a phase whose exit_requires is passing_<kind> needs one passing report of that kind."),
  exit_code: z.int().min(-2_147_483_648).max(2_147_483_647).describe("The command's exit code; 0 means passing."),
  duration_ms: z.int().min(0).max(7 * 24 * 3_600_000).describe("How long the command ran, in milliseconds."),
  log_tail: z.string().max(500).optional().describe("The last lines of output; scanned for PII and secrets before it is stored."),
});

export const ReportUsageInput = z.strictObject({
  run_id: RunRef,
  model: z.string().min(1).max(100).describe("The model's name as your client reports it (e.g. 'claude-sonnet-4-5')."),
  input_tokens: count.describe("Input tokens since your last report: added to the run's totals (not a running total)."),
  output_tokens: count.describe("Output tokens since your last report: added to the run's totals."),
  cache_tokens: count.optional().describe("Cache tokens since your last report: added to the run's totals (default 0)."),
  calls: z.int().min(0).max(1_000_000).optional().describe("Model calls since your last report: added to the run's totals (default 1)."),
});

export const LinkChangeInput = z.strictObject({
  run_id: RunRef,
  branch: z.string().min(1).max(255).optional().describe("The change's git branch; replaces the branch start_run or an earlier link_change recorded."),
  pr_url: z.string().max(2048).regex(/^https?:\/\/[^\s]+$/, "expected an http:// or https:// URL").optional().describe("The pull or merge request's http(s) URL."),
  commit_sha: z.string().min(7).max(64).regex(/^[0-9a-f]+$/i, "expected a hex commit SHA (7-64 characters)").optional().describe("The commit's SHA in hex (7-64 characters); stored lower-case."),
});

export const FinishRunInput = z.strictObject({
  run_id: RunRef,
  outcome: z.enum(OUTCOMES).describe("completed (only from the runbook's last phase), failed or cancelled; ends the run's claims and pending checkpoints."),
  summary: z.string().min(1).max(2000).describe("What happened in the run, for your team."),
  learnings: z.array(z.string().min(1).max(2000).describe("One lesson, as metadata (no code).")).max(5).optional()
    .describe("Lessons for later runs on this project; they become shared-brain notes once a person approves them."),
});

export const GetRunStateInput = z.strictObject({
  run_id: RunId.optional().describe("A run id (run_…) for that run's state; omit it to list your open runs (after a context reset or in a new session)."),
});

// ---- outputs --------------------------------------------------------------------------------

const iso = z.string().max(40);
const listOf = <T extends z.ZodType>(item: T, max: number) => z.array(item).max(max);
const small = (max: number) => z.int().min(0).max(max);
/** Token totals: a run reports at most 10^9 per call; this bound is generous. */
const total = small(1_000_000_000_000_000);

export const Violation = z.strictObject({
  path: z.string().max(MAX_PATH_LENGTH + 80),
  access: z.enum(["read_only", "excluded"]),
  action: z.enum(["plan", ...FILE_ACTIONS]),
});
export type ViolationView = z.infer<typeof Violation>;

export const ScopeView = z.strictObject({
  project: z.string().max(64),
  editable: listOf(z.string().max(600), 1000).describe("Globs you may change. A path matching no glob of any list is 'unlisted': allowed, no violation (a project without modules has only unlisted paths)."),
  read_only: listOf(z.string().max(600), 1000).describe("Globs you may read but not change; changing them is a recorded violation."),
  excluded: listOf(z.string().max(600), 1000).describe("Modules you may not touch, shown as ‹module›; any contact is a recorded violation."),
});
export type ScopeViewT = z.infer<typeof ScopeView>;

export const PhaseView = z.strictObject({
  name: z.string().max(40),
  gate_min_role: z.enum(GATE_ROLES).nullable().describe("Entering this phase needs an approval by this role or higher (not the run's owner); null when ungated."),
  exit_requires: z.enum(EXIT_REQUIREMENTS).nullable().describe("Evidence needed to leave this phase; exit_evidence says what it means. Null when none."),
  exit_evidence: z.string().max(300).nullable().describe("exit_requires in words: which report_build call counts."),
});

export const NoteView = z.strictObject({
  id: z.string().max(30),
  body: z.string().max(2000),
  paths: listOf(z.string().max(600), 50),
  author_kind: z.enum(["human", "agent"]),
  created_at: iso,
});
export type NoteViewT = z.infer<typeof NoteView>;

export const ClaimConflictView = z.strictObject({
  path: z.string().max(600).describe("The path you asked for; it is not claimed for your run."),
  run_id: z.string().max(30).describe("Your run that asked for it."),
  held_by: z.strictObject({
    run_id: z.string().max(30).nullable().describe("The holding run's id when it is one of your own runs, else null."),
    path: z.string().max(600).describe("The path the holder claimed (the same path, or a directory of it or inside it)."),
    title: z.string().max(200),
    owner: z.string().max(200).describe("The name of the person whose agent holds it."),
    phase: z.string().max(40),
    since: iso,
  }),
}).describe("Another active run holds this path: coordinate with its owner or pick other work; the conflict is recorded as drift.");
export type ClaimConflictViewT = z.infer<typeof ClaimConflictView>;

export const ClaimView = z.strictObject({
  path: z.string().max(600),
  run_id: z.string().max(30),
  source: z.enum(["plan", "modified", "created", "deleted"]),
  since: iso,
});
export type ClaimViewT = z.infer<typeof ClaimView>;

const conflictList = listOf(ClaimConflictView, MAX_PATHS_PER_CALL).describe("Paths another active run already holds (not claimed for you); empty when none.");

export const StartRunOutput = z.strictObject({
  run_id: z.string().max(30),
  status: z.enum(RUN_STATUSES),
  phase: z.string().max(40),
  runbook: z.strictObject({ id: z.string().max(30), name: z.string().max(200), version: small(1_000_000), phases: listOf(PhaseView, 20) }),
  scope: ScopeView,
  notes: listOf(NoteView, 10),
  warnings: listOf(z.string().max(500), 10).describe("Things to check before going on, e.g. an open run of yours with the same title or branch (continue it with get_run instead)."),
});

export const GetScopeOutput = ScopeView.extend({
  claims: listOf(ClaimView, 200).describe("The paths your open runs in this project hold."),
  conflicts: listOf(ClaimConflictView, 200).describe("Paths your open runs asked for that another active run still holds."),
});

export const PlanWorkOutput = z.strictObject({
  run_id: z.string().max(30),
  units: listOf(z.strictObject({ unit_id: z.string().max(30), title: z.string().max(200), status: z.enum(UNIT_STATUSES) }), 50),
  violations: listOf(Violation, MAX_PATHS_PER_CALL),
  conflicts: conflictList,
});

export const UpdateWorkUnitOutput = z.strictObject({
  unit_id: z.string().max(30),
  status: z.enum(UNIT_STATUSES),
  previous_status: z.enum(UNIT_STATUSES),
  violations: listOf(Violation, 50),
  conflicts: conflictList,
});

export const ReportFilesOutput = z.strictObject({
  run_id: z.string().max(30),
  files: listOf(z.strictObject({
    path: z.string().max(600),
    access: z.enum(ACCESS_LEVELS).describe("editable, read_only, excluded, or unlisted: matches none of your scope's globs, allowed and no violation."),
  }), MAX_PATHS_PER_CALL),
  violations: listOf(Violation, MAX_PATHS_PER_CALL),
  conflicts: conflictList,
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
  message: z.string().max(500).describe("What happens now: advance_phase is refused while the checkpoint is pending."),
});

export const CheckpointView = z.strictObject({
  checkpoint_id: z.string().max(30),
  run_id: z.string().max(30),
  kind: z.enum(["phase_gate", "approval", "budget"]),
  target_phase: z.string().max(40).nullable(),
  status: z.enum(["pending", "approved", "rejected", "expired"]),
  required_role: z.enum(ROLES),
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
  exit_code: z.int().min(-2_147_483_648).max(2_147_483_647),
  drift: z.enum(["repeated_build_failure"]).nullable().describe("repeated_build_failure when this report made three failures of its kind in a row (recorded once); else null."),
});

export const ReportUsageOutput = z.strictObject({
  run_id: z.string().max(30),
  totals: z.strictObject({ input_tokens: total, output_tokens: total, cache_tokens: total, calls: total }).describe("The run's totals after adding this report."),
  budget: z.strictObject({
    run: z.strictObject({ limit_tokens: total.nullable(), used_tokens: total, remaining_tokens: total.nullable() }).describe("The run's token budget (input + output tokens); null limit: none."),
    project: z.strictObject({ month: z.string().max(7), limit_tokens: total.nullable(), used_tokens: total, remaining_tokens: total.nullable() }).describe("The project's budget for this calendar month (UTC)."),
    checkpoint_id: z.string().max(30).nullable().describe("Set when a budget is used up: the run waits on this budget checkpoint until a lead approves raising it."),
  }),
  message: z.string().max(500).describe("What to do next."),
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
  notes_recorded: small(5),
  finished_at: iso,
});

export const OpenRunView = z.strictObject({
  run_id: z.string().max(30),
  title: z.string().max(200),
  project: z.string().max(64),
  phase: z.string().max(40),
  status: z.enum(RUN_STATUSES),
  branch: z.string().max(255).nullable(),
  pending_checkpoints: small(10_000),
  updated_at: iso,
});

export const NextPhaseView = z.strictObject({
  phase: z.string().max(40),
  direction: z.enum(["forward", "back"]),
  needs: z.string().max(500).nullable().describe("What advance_phase needs before it enters the phase; null when it can move now."),
});

export const RunStateView = z.strictObject({
  run_id: z.string().max(30),
  project: z.string().max(64),
  title: z.string().max(200),
  ticket: z.string().max(100).nullable(),
  branch: z.string().max(255).nullable(),
  status: z.enum(RUN_STATUSES),
  phase: z.string().max(40),
  phase_entered_at: iso,
  runbook: z.strictObject({ name: z.string().max(200), version: small(1_000_000), phases: listOf(PhaseView, 20) }),
  next_phases: listOf(NextPhaseView, 20).describe("The phases advance_phase may move to: the next one forward and every earlier one (rework); empty once finished."),
  units: listOf(z.strictObject({ unit_id: z.string().max(30), title: z.string().max(200), status: z.enum(UNIT_STATUSES), paths: listOf(z.string().max(600), 50) }), 200),
  pending_checkpoints: listOf(z.strictObject({
    checkpoint_id: z.string().max(30), kind: z.enum(["phase_gate", "approval", "budget"]), target_phase: z.string().max(40).nullable(), reason: z.string().max(40), required_role: z.enum(ROLES), expires_at: iso,
  }), 50).describe("Checkpoints waiting on a person: wait with get_checkpoint; advance_phase is refused meanwhile (except into a pending gate's phase)."),
  claims: listOf(ClaimView, 200).describe("The paths this run holds (live claims)."),
  conflicts: listOf(ClaimConflictView, 200).describe("Paths this run asked for that another active run still holds."),
  message: z.string().max(500).describe("What to do next."),
});

export const GetRunStateOutput = z.strictObject({
  runs: listOf(OpenRunView, 50).describe("Without run_id: your open runs, most recently updated first; with run_id: empty."),
  run: RunStateView.nullable().describe("With run_id: that run's state; without: null."),
});
