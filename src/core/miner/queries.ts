// The ritual miner's queries (interface only; src/db/queries/miner.ts implements them).
import type { Role } from "../roles.ts";

export type ProposalRule = "gate_evidence" | "drift_phase" | "scope_exception" | "failing_build";
export type ProposalStatus = "open" | "awaiting_second" | "approved" | "dismissed";
export type AccessLevelName = "editable" | "read_only" | "excluded";

/** One audit event as the miner reads it (metadata parsed by the caller). */
export interface MinedEventRow {
  seq: number;
  at: number;
  type: string;
  runId: string | null;
  subject: string | null;
  meta: string;
}

/** What the miner knows of a run: its project, owner (and the owner's role now) and runbook. */
export interface MinedRunRow {
  id: string;
  projectId: string;
  ownerUserId: string;
  ownerRole: Role;
  runbookId: string;
  /** The phases (PhaseDef[]) of the version the run is bound to. */
  phases: unknown;
}

export interface ProposalRow {
  id: string;
  pattern: string;
  rule: ProposalRule;
  runbookId: string | null;
  projectId: string | null;
  target: "runbook" | "module_access";
  baseVersionId: string | null;
  /** The proposed phases (PhaseDef[]) for a runbook patch. */
  phases: unknown;
  module: string | null;
  role: Role | null;
  fromLevel: AccessLevelName | null;
  toLevel: AccessLevelName | null;
  changes: string[];
  weakening: boolean;
  evidence: Record<string, unknown>;
  status: ProposalStatus;
  createdAt: number;
  firstApprovedBy: string | null;
  decidedBy: string | null;
  decidedAt: number | null;
  decisionReason: string | null;
  mutedUntil: number | null;
  versionId: string | null;
}

export interface MinerQueries {
  /** Events of the given types at or after `since`, oldest first. */
  eventsSince(types: readonly string[], since: number): Promise<MinedEventRow[]>;
  /** Every run.phase_advanced event of the given runs, oldest first (to know each run's phase at any event). */
  phaseMoves(runIds: readonly string[]): Promise<MinedEventRow[]>;
  runs(runIds: readonly string[]): Promise<MinedRunRow[]>;
  /** Paths of the given drift signals. */
  driftPaths(ids: readonly string[]): Promise<{ id: string; path: string | null }[]>;

  /** Proposals of a status (null: all), newest first. */
  proposals(status: ProposalStatus | null, limit: number): Promise<ProposalRow[]>;
  proposal(id: string): Promise<ProposalRow | undefined>;
  /** The proposals that keep a pattern from being proposed again: live ones, and dismissed ones still muted at `now`. */
  blocking(pattern: string, now: number): Promise<ProposalRow | undefined>;
  insertProposal(row: ProposalRow): Promise<void>;
  /** Writes a decision, only from the status the caller read (false: someone else decided first). */
  decideProposal(id: string, from: ProposalStatus, decision: Pick<ProposalRow, "status" | "firstApprovedBy" | "decidedBy" | "decidedAt" | "decisionReason" | "mutedUntil" | "versionId">): Promise<boolean>;

  /** Takes the named job's lease when it is free at `now`; false when another node holds it. */
  takeLease(name: string, holder: string, now: number, until: number): Promise<boolean>;
  /** Ends the lease and records when the job last ran. */
  releaseLease(name: string, holder: string, now: number): Promise<void>;
  lastRunAt(name: string): Promise<number | null>;
}
