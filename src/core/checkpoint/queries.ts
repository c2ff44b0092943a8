// The checkpoint queries the core needs (interface only; src/db/queries/checkpoint.ts implements them).
import type { Role } from "../roles.ts";

export type CheckpointKind = "phase_gate" | "approval" | "budget";
export type CheckpointStatus = "pending" | "approved" | "rejected" | "expired";
/** A run's status as far as checkpoints move it (the run domain owns the full lifecycle). */
export type RunStatus = "active" | "awaiting_approval" | "blocked" | "completed" | "failed" | "cancelled";

export interface CheckpointRow {
  id: string;
  runId: string;
  kind: CheckpointKind;
  targetPhase: string | null;
  reason: string;
  summary: string | null;
  requiredRole: Role;
  status: CheckpointStatus;
  requestedAt: number;
  expiresAt: number;
  decidedAt: number | null;
  decidedBy: string | null;
  deciderRole: string | null;
  decisionReason: string | null;
}

/** A checkpoint with what access checks and events need from its run, in one lookup. */
export interface CheckpointWithRun {
  ck: CheckpointRow;
  ownerUserId: string;
  projectId: string;
  runStatus: RunStatus;
}

/** A checkpoint that an expiry pass just marked expired. */
export interface ExpiredCheckpoint {
  id: string;
  runId: string;
  kind: CheckpointKind;
  projectId: string | null;
}

/** One line of the approvals queue. */
export interface QueueRow {
  ck: CheckpointRow;
  runTitle: string;
  projectId: string;
  ownerId: string;
  ownerName: string;
  /** The decider's name (null while pending, after expiry, or for an erased decider's blank). */
  deciderName: string | null;
}

/** What a person deciding a run's checkpoint should see first: counts over the whole run. */
export interface RunEvidenceRow {
  runId: string;
  /** Scope violations recorded (paths reported outside the editable scope). */
  scopeViolations: number;
  /** Other drift signals (gate skips, phase mismatches, repeated failing builds, claim conflicts). */
  drift: number;
  tests: number;
  failedTests: number;
  /** The exit code of the newest test report (null: no test reported). */
  lastTestExitCode: number | null;
  failedBuilds: number;
  /** Distinct paths reported modified, created or deleted. */
  changedFiles: number;
}

/** One sample path of a run's evidence (the first few of each kind, by path). */
export interface RunEvidencePath {
  runId: string;
  kind: "violation" | "changed";
  path: string;
}

/** One page of the queue: pending ones soonest-expiring first, others newest first. */
export interface QueueFilter {
  status: CheckpointStatus | null;
  /** The previous page's last item: its sort key (expiresAt when pending, else -requestedAt) and id. */
  after: { key: number; id: string } | null;
  limit: number;
}

export interface CheckpointDecision {
  status: "approved" | "rejected";
  decidedAt: number;
  decidedBy: string;
  deciderRole: Role;
  decisionReason: string;
}

export interface CheckpointQueries {
  byId(id: string): Promise<CheckpointRow | undefined>;
  withRun(id: string): Promise<CheckpointWithRun | undefined>;
  /** Pending: soonest-expiring first; any other status (every status when null): newest first. Keyset paged. */
  queue(filter: QueueFilter): Promise<QueueRow[]>;
  /** How many checkpoints have `status` (all when null). */
  count(status: CheckpointStatus | null): Promise<number>;
  /** Whether any pending checkpoint is due at `now` (lets reads skip the write when none is). */
  anyDue(now: number): Promise<boolean>;
  /**
   * Marks up to `limit` pending checkpoints expired (decided at `now`) and returns them: those due
   * by `dueBy` (all when null), optionally only those of one run or of one checkpoint (not both).
   */
  expirePending(now: number, only: { dueBy: number | null; runId: string | null; checkpointId: string | null }, limit: number): Promise<ExpiredCheckpoint[]>;
  insert(row: CheckpointRow): Promise<void>;
  decide(id: string, decision: CheckpointDecision): Promise<void>;
  /** A run's pending checkpoints, newest first. */
  pendingOfRun(runId: string): Promise<CheckpointRow[]>;
  hasPending(runId: string): Promise<boolean>;
  /** Whether the run has a phase gate into `phase` approved at or after `since`. */
  approvedGateSince(runId: string, phase: string, since: number): Promise<boolean>;
  /** A run's checkpoints, newest first. */
  ofRun(runId: string, limit: number): Promise<CheckpointRow[]>;
  /** The evidence counts of these runs (one row each). */
  evidence(runIds: readonly string[]): Promise<RunEvidenceRow[]>;
  /** Up to `perRun` violating and `perRun` changed paths of each of these runs, by path. */
  evidencePaths(runIds: readonly string[], perRun: number): Promise<RunEvidencePath[]>;
  /** Which of these runs have a pending checkpoint. */
  runsWithPending(runIds: readonly string[]): Promise<string[]>;
  /**
   * Sets a run's status (and `updatedAt`) as a checkpoint moves it, only when its status is one of
   * `from` (any status when null). Returns whether it changed.
   */
  setRunStatus(runId: string, status: RunStatus, updatedAt: number, from: readonly RunStatus[] | null): Promise<boolean>;
}
