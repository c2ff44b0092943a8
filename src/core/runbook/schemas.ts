import { z } from "zod";

/** A phase name: short, lower-case, stable (agents pass it to advance_phase). */
export const PhaseName = z.string().min(1).max(40).regex(/^[a-z][a-z0-9_-]*$/, "use lower-case letters, digits, '-' or '_', starting with a letter");

/** Evidence a phase requires before it can be left: a passing report of that kind since entering it. */
export const EXIT_REQUIREMENTS = ["passing_test", "passing_build", "passing_lint"] as const;
export type ExitRequirement = (typeof EXIT_REQUIREMENTS)[number];
export const GATE_ROLES = ["lead", "admin", "owner"] as const;

export const Phase = z.strictObject({
  name: PhaseName,
  /** Entering the phase needs a checkpoint approved by a person of at least this role. */
  gate: z.strictObject({ minRole: z.enum(GATE_ROLES) }).nullable().optional(),
  exit: z.strictObject({ requires: z.enum(EXIT_REQUIREMENTS) }).nullable().optional(),
});
export type PhaseInput = z.infer<typeof Phase>;

/** A stored phase: every field present. */
export interface PhaseDef {
  readonly name: string;
  readonly gate: { readonly minRole: (typeof GATE_ROLES)[number] } | null;
  readonly exit: { readonly requires: ExitRequirement } | null;
}

export const PublishRunbookVersionInput = z.strictObject({
  runbookId: z.string().max(40),
  phases: z.array(Phase).min(1).max(20),
});

export const RunbookIdInput = z.strictObject({ runbookId: z.string().max(40) });

export const DecideRunbookChangeInput = z.strictObject({
  runbookId: z.string().max(40),
  changeId: z.string().max(40),
  reason: z.string().max(500).optional(),
});

/** A proposed loosening as people see it, with whether the viewer may approve or reject it. */
export interface RunbookChangeView {
  id: string;
  runbookId: string;
  baseVersionId: string;
  phases: PhaseDef[];
  loosenings: string[];
  status: "pending" | "approved" | "rejected";
  proposedBy: string;
  proposedAt: number;
  decidedBy: string | null;
  decidedAt: number | null;
  decisionReason: string | null;
  versionId: string | null;
  /** A second person with runbook-edit rights may approve; they and the proposer (withdrawing) may reject. */
  canApprove: boolean;
  canReject: boolean;
}

/** What publishing answers: the new version, or (for a loosening) the change waiting for a second person. */
export type PublishResult = { version: RunbookVersionView; change?: undefined } | { change: RunbookChangeView; version?: undefined };

export interface RunbookVersionView {
  id: string;
  version: number;
  phases: PhaseDef[];
  createdBy: string | null;
  createdAt: number;
}

export interface RunbookView {
  id: string;
  name: string;
  projectId: string | null;
  latest: RunbookVersionView;
}

export interface RunbookDetail extends Omit<RunbookView, "latest"> {
  versions: RunbookVersionView[];
  /** Loosening changes waiting for a second person, oldest first. */
  pendingChanges: RunbookChangeView[];
}

/** The process a fresh install starts with: plan → build → test → review → ship. */
export const DEFAULT_PHASES: readonly PhaseDef[] = Object.freeze([
  { name: "plan", gate: null, exit: null },
  { name: "build", gate: null, exit: null },
  { name: "test", gate: null, exit: { requires: "passing_test" } },
  { name: "review", gate: { minRole: "lead" }, exit: null },
  { name: "ship", gate: { minRole: "lead" }, exit: null },
]);

/** The workspace default runbook's fixed id, so creating it at every start stays idempotent. */
export const DEFAULT_RUNBOOK_ID = "rbk_workspaceDefault0000";

export function normalisePhases(phases: readonly PhaseInput[]): PhaseDef[] {
  return phases.map((p) => ({ name: p.name, gate: p.gate ?? null, exit: p.exit ?? null }));
}
