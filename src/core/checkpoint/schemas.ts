import { z } from "zod";
import { Cursor } from "../paging.ts";
import { CheckpointId } from "../run/schemas.ts";

export const MAX_WAIT_SECONDS = 25;

export const GetCheckpointInput = z.strictObject({
  checkpoint_id: CheckpointId,
  wait_seconds: z.int().min(0).max(MAX_WAIT_SECONDS).optional(),
});

export const DecideCheckpointInput = z.strictObject({
  checkpointId: z.string().max(30),
  decision: z.enum(["approve", "reject"]),
  reason: z.string().min(1).max(500),
});

export const ListCheckpointsInput = z.strictObject({
  status: z.enum(["pending", "approved", "rejected", "expired"]).optional(),
  cursor: Cursor.optional(),
  limit: z.int().min(1).max(200).optional(),
});

/** One page of checkpoints, how many have the status in all, and the next page's cursor (null: last page). */
export interface CheckpointPage {
  checkpoints: CheckpointQueueItem[];
  total: number;
  nextCursor: string | null;
}

/** A run's evidence on an approval card. */
export interface CheckpointEvidence {
  scopeViolations: number;
  violationPaths: string[];
  drift: number;
  tests: number;
  failedTests: number;
  lastTestExitCode: number | null;
  failedBuilds: number;
  changedFiles: number;
  changedPaths: string[];
}

/** A checkpoint as the approvals queue shows it (ms timestamps). */
export interface CheckpointQueueItem {
  id: string;
  runId: string;
  runTitle: string;
  projectId: string;
  owner: { id: string; name: string };
  kind: "phase_gate" | "approval" | "budget";
  targetPhase: string | null;
  reason: string;
  summary: string | null;
  requiredRole: string;
  status: string;
  requestedAt: number;
  expiresAt: number;
  decidedAt: number | null;
  deciderRole: string | null;
  decisionReason: string | null;
  /** Who decided (null while pending or after expiry). */
  decider: { id: string; name: string | null; role: string | null } | null;
  /** What the run did so far, for the person deciding: counts over the whole run and a few paths (masked for the viewer). */
  evidence: CheckpointEvidence;
  /** Whether the viewer may approve or reject it (role high enough, not the run's owner, still pending). */
  canDecide: boolean;
}
