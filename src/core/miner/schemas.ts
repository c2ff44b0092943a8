import { z } from "zod";
import type { PhaseDef } from "../runbook/schemas.ts";
import type { AccessLevelName, ProposalRule, ProposalStatus } from "./queries.ts";

export const ProposalId = z.string().max(40).regex(/^rbp_[0-9A-Za-z]{1,30}$/, "not a proposal id");

export const ListProposalsInput = z.strictObject({
  status: z.enum(["open", "awaiting_second", "approved", "dismissed"]).optional(),
  limit: z.int().min(1).max(200).optional(),
});

export const DecideProposalInput = z.strictObject({
  proposalId: ProposalId,
  reason: z.string().max(500).optional(),
});

/** A proposal as the Runbooks tab shows it: the patch as a diff, its evidence, and what the viewer may do. */
export interface ProposalView {
  id: string;
  rule: ProposalRule;
  target: "runbook" | "module_access";
  runbook: { id: string; name: string } | null;
  project: { id: string; slug: string; name: string } | null;
  changes: string[];
  weakening: boolean;
  /** Runbook patches: the phases of the version it was proposed against, and the proposed ones. */
  before: PhaseDef[] | null;
  after: PhaseDef[] | null;
  baseVersion: number | null;
  /** Module patches: the module, the role and its level before and after. */
  module: { name: string; role: string; from: AccessLevelName; to: AccessLevelName } | null;
  evidence: { runs: string[]; runCount: number; people: number; occurrences: number; firstSeen: number; lastSeen: number; detail: Record<string, string>; windowDays: number; minRuns: number; minPeople: number };
  status: ProposalStatus;
  createdAt: number;
  firstApprovedBy: string | null;
  decidedBy: string | null;
  decidedAt: number | null;
  decisionReason: string | null;
  mutedUntil: number | null;
  versionId: string | null;
  canApprove: boolean;
  canDismiss: boolean;
}
