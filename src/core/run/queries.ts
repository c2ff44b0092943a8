// The run queries the core needs (interface only; src/db/queries/run.ts implements them). Besides
// the run's own tables, this namespace holds the reads a run needs from elsewhere: the project by
// slug, the scope manifest's modules, the run's checkpoints and its timeline's audit events.
import type { StoredEvent } from "../audit/append-event.ts";
import type { Role } from "../roles.ts";
import type { AccessLevel } from "../scope/manifest.ts";

export type RunStatus = "active" | "awaiting_approval" | "blocked" | "completed" | "failed" | "cancelled";
export type WorkUnitStatus = "planned" | "in_progress" | "done" | "failed" | "skipped" | "blocked";
export type BuildKind = "build" | "test" | "lint";
export type FileAction = "read" | "modified" | "created" | "deleted";
export type FileAccess = "editable" | "read_only" | "excluded" | "unlisted";
export type DriftKind = "gate_skip" | "phase_mismatch" | "scope_violation" | "repeated_build_failure" | "claim_conflict";
export type ClaimSource = "plan" | "modified" | "created" | "deleted";
export type ClaimEndReason = "completed" | "failed" | "cancelled" | "expired";

/** A live claim of another run that overlaps a requested path (the same path, or one inside the other). */
export interface ClaimHolderRow {
  /** The path asked for. */
  requested: string;
  /** The path the holder claimed. */
  path: string;
  runId: string;
  title: string;
  phase: string;
  ownerUserId: string;
  ownerName: string;
  claimedAt: number;
  /** The later of the claim's refresh and the holder run's last update: idle time is measured from it. */
  lastSeen: number;
}

/** One of a run's claims, live or ended. */
export interface ClaimRow {
  runId: string;
  path: string;
  source: ClaimSource;
  claimedAt: number;
  refreshedAt: number;
  endedAt: number | null;
  endReason: ClaimEndReason | null;
}

/** A live claim in a project, with its run (the per-project view). */
export interface ProjectClaimRow {
  runId: string;
  title: string;
  phase: string;
  status: RunStatus;
  ownerUserId: string;
  ownerName: string;
  path: string;
  source: ClaimSource;
  claimedAt: number;
  lastSeen: number;
}

export interface RunRow {
  id: string;
  projectId: string;
  runbookVersionId: string;
  title: string;
  ticket: string | null;
  ownerUserId: string;
  keyId: string | null;
  status: RunStatus;
  phase: string;
  phaseEnteredAt: number;
  branch: string | null;
  prUrl: string | null;
  commitSha: string | null;
  inputTokens: number;
  outputTokens: number;
  cacheTokens: number;
  calls: number;
  summary: string | null;
  createdAt: number;
  updatedAt: number;
  finishedAt: number | null;
}

/** A new run: the token totals start at zero, the change links and summary empty. */
export type NewRunRow = Omit<RunRow, "inputTokens" | "outputTokens" | "cacheTokens" | "calls" | "prUrl" | "commitSha" | "summary" | "finishedAt">;

export interface WorkUnitRow {
  id: string;
  runId: string;
  position: number;
  title: string;
  paths: string[];
  status: WorkUnitStatus;
  note: string | null;
  createdAt: number;
  updatedAt: number;
}

export interface BuildRow {
  id: string;
  runId: string;
  phase: string;
  kind: BuildKind;
  exitCode: number;
  durationMs: number;
  logTail: string | null;
  createdAt: number;
}

export interface UsageRow {
  id: string;
  runId: string;
  model: string;
  inputTokens: number;
  outputTokens: number;
  cacheTokens: number;
  calls: number;
  createdAt: number;
}

export interface FileReportRow {
  id: string;
  runId: string;
  action: FileAction;
  path: string;
  access: FileAccess;
  createdAt: number;
}

export interface DriftRow {
  id: string;
  runId: string;
  kind: DriftKind;
  path: string | null;
  detail: Record<string, string | number | boolean | null>;
  createdAt: number;
}

/** A run's checkpoint as its timeline shows it. */
export interface RunCheckpointRow {
  id: string;
  runId: string;
  kind: "phase_gate" | "approval" | "budget";
  targetPhase: string | null;
  reason: string;
  summary: string | null;
  requiredRole: Role;
  status: "pending" | "approved" | "rejected" | "expired";
  requestedAt: number;
  expiresAt: number;
  decidedAt: number | null;
  decidedBy: string | null;
  deciderRole: string | null;
  decisionReason: string | null;
  /** The decider's name (null while undecided, or when expired). */
  deciderName: string | null;
}

export interface ProjectRefRow {
  id: string;
  slug: string;
  name: string;
}

/** What one role's scope manifest is computed from: the project's protected globs and its modules by name. */
export interface ScopeSource {
  protectedGlobs: string[];
  /** `level` is the role's stored access level; null when none is stored (which means editable). */
  modules: { id: string; name: string; globs: string[]; level: AccessLevel | null }[];
}

/** A run with its project slug and owner name (the run list and the timeline's head). */
export interface RunListRow {
  run: RunRow;
  slug: string;
  ownerName: string;
  pendingCheckpoints: number;
}

export interface RunVersionRow {
  id: string;
  runbookId: string;
  runbookName: string;
  version: number;
  phases: unknown;
}

/** Which runs a list or count covers; null filters match everything. */
export interface RunCountFilter {
  status: RunStatus | null;
  projectSlug: string | null;
  /** A `LIKE … ESCAPE '\'` pattern (lower case) over title, ticket and branch; null for no search. */
  pattern: string | null;
}

/** What a runs list is ordered by (the id breaks ties, in the same direction). */
export type RunSortKey = "updated" | "created" | "tokens";
export interface RunSort {
  by: RunSortKey;
  direction: "asc" | "desc";
}

export interface RunListFilter extends RunCountFilter {
  sort: RunSort;
  /** Runs after this one in the order: the previous page's last run (its sort key and id). */
  after: { key: number; id: string } | null;
  limit: number;
}

/** The dashboard's numbers, each counted over all data. */
export interface DashboardCountsRow {
  /** Runs active, awaiting approval or blocked. */
  activeRuns: number;
  pendingApprovals: number;
  /** Scope violations recorded since the window's start. */
  scopeViolations: number;
  /** Other drift signals recorded since the window's start. */
  drift: number;
  /** Tokens of every usage report since the tokens window's start. */
  inputTokens: number;
  outputTokens: number;
}

/** Tokens reported in one day (`day` = the day's start, ms). */
export interface UsageDayRow {
  day: number;
  inputTokens: number;
  outputTokens: number;
}

/** Usage to add to a run's totals. */
export interface UsageDelta {
  inputTokens: number;
  outputTokens: number;
  cacheTokens: number;
  calls: number;
}

export interface RunQueries {
  byId(runId: string): Promise<RunRow | undefined>;
  projectBySlug(slug: string): Promise<ProjectRefRow | undefined>;
  /** The manifest's inputs for `role` in a project (undefined when the project does not exist). */
  scopeSource(projectId: string, role: Role): Promise<ScopeSource | undefined>;
  insertRun(row: NewRunRow): Promise<void>;

  /** The run's work units in plan order. */
  units(runId: string, limit: number): Promise<WorkUnitRow[]>;
  /** The run's units not yet finished (planned, in progress or blocked), in plan order. */
  openUnits(runId: string): Promise<WorkUnitRow[]>;
  /** The highest unit position in the run (-1 when it has none). */
  lastPosition(runId: string): Promise<number>;
  unit(runId: string, unitId: string): Promise<WorkUnitRow | undefined>;
  insertUnit(row: WorkUnitRow): Promise<void>;
  updateUnit(unitId: string, change: { status: WorkUnitStatus; note: string | null; paths: string[]; updatedAt: number }): Promise<void>;

  setSummary(runId: string, summary: string, now: number): Promise<void>;
  /** Moves the run into `phase` (and back to `active`). */
  enterPhase(runId: string, phase: string, now: number): Promise<void>;
  /** The run's pending checkpoints, newest first. */
  pendingCheckpoints(runId: string): Promise<{ id: string; kind: "phase_gate" | "approval" | "budget"; targetPhase: string | null; reason: string; requiredRole: Role; expiresAt: number }[]>;
  /** Whether a phase_gate checkpoint into `phase` was approved at or after `since`. */
  gateApprovedSince(runId: string, phase: string, since: number): Promise<boolean>;
  /** Whether a passing build of `kind` was reported at or after `since`. */
  passedSince(runId: string, kind: BuildKind, since: number): Promise<boolean>;

  insertBuild(row: BuildRow): Promise<void>;
  /** Exit codes of the run's latest builds of `kind`, newest first. */
  recentExitCodes(runId: string, kind: BuildKind, limit: number): Promise<number[]>;
  touch(runId: string, now: number): Promise<void>;
  insertUsage(row: UsageRow): Promise<void>;
  /** Adds usage to the run's totals (in SQL, so concurrent reports all count) and returns the new totals. */
  addUsage(runId: string, delta: UsageDelta, now: number): Promise<UsageDelta>;
  insertFileReport(row: FileReportRow): Promise<void>;
  insertDrift(row: DriftRow): Promise<void>;
  linkChange(runId: string, change: { branch: string | null; prUrl: string | null; commitSha: string | null }, now: number): Promise<void>;

  /** Expires the run's pending checkpoints; returns the expired ones. */
  expirePending(runId: string, now: number): Promise<{ id: string; kind: "phase_gate" | "approval" | "budget" }[]>;
  finish(runId: string, status: "completed" | "failed" | "cancelled", summary: string, now: number): Promise<void>;
  /** The paths of the run's work units and file reports, at most `limit` file reports. */
  touchedPaths(runId: string, limit: number): Promise<string[]>;

  /** Runs, most recently updated first (keyset on updated_at, id). */
  list(filter: RunListFilter): Promise<RunListRow[]>;
  /** How many runs `filter` covers. */
  count(filter: RunCountFilter): Promise<number>;
  /** The dashboard's counts: signals since `signalsSince`, tokens since `tokensSince`. */
  dashboardCounts(signalsSince: number, tokensSince: number): Promise<DashboardCountsRow>;
  /** Tokens per day (days of `dayMs`, counted from the epoch) since `since`, oldest first. */
  usageByDay(since: number, dayMs: number): Promise<UsageDayRow[]>;
  /** One run for its timeline head. */
  listed(runId: string): Promise<RunListRow | undefined>;
  version(versionId: string): Promise<RunVersionRow | undefined>;
  checkpoints(runId: string, limit: number): Promise<RunCheckpointRow[]>;
  builds(runId: string, limit: number): Promise<BuildRow[]>;
  usage(runId: string, limit: number): Promise<UsageRow[]>;
  drift(runId: string, limit: number): Promise<DriftRow[]>;
  files(runId: string, limit: number): Promise<FileReportRow[]>;
  /** The run's audit events, oldest first. */
  events(runId: string, limit: number): Promise<StoredEvent[]>;

  /** A user's runs that have not finished, most recently updated first. */
  openRunsOf(ownerUserId: string, limit: number): Promise<RunListRow[]>;
  /** Live claims of runs other than `runId` in the project that overlap any of `paths`. */
  claimHolders(projectId: string, runId: string, paths: string[]): Promise<ClaimHolderRow[]>;
  /** Claims the path for the run unless a live claim on it exists (the unique index decides); returns whether it was inserted. */
  insertClaim(row: { projectId: string; runId: string; path: string; source: ClaimSource; now: number }): Promise<boolean>;
  /** Marks the run's live claims as seen now (an active run keeps its claims). */
  refreshClaims(runId: string, now: number): Promise<void>;
  /** Ends the run's live claims; returns how many ended. */
  endClaims(runId: string, reason: ClaimEndReason, now: number): Promise<number>;
  /** Ends another run's live claim on one path (it was idle too long); returns whether one ended. */
  expireClaim(runId: string, path: string, now: number): Promise<boolean>;
  /** The run's claims, live first, then the most recently ended. */
  claimsOf(runId: string, limit: number): Promise<ClaimRow[]>;
  /** The live claims of a user's open runs in a project. */
  ownerClaims(ownerUserId: string, projectId: string, limit: number): Promise<ClaimRow[]>;
  /** The live claims in a project, oldest first. */
  projectClaims(projectId: string, limit: number): Promise<ProjectClaimRow[]>;
  /** The distinct paths a run was refused a claim on, with the holder each time (its claim_conflict drift). */
  conflictsRecorded(runId: string, limit: number): Promise<{ path: string; holderRunId: string }[]>;
}
