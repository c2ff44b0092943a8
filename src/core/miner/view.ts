import type { Actor } from "../context.ts";
import { can } from "../roles.ts";
import type { PhaseDef } from "../runbook/schemas.ts";
import type { Queries } from "../store.ts";
import type { ProposalRow } from "./queries.ts";
import type { ProposalView } from "./schemas.ts";

/** Leads, admins and owners see and decide proposals (they see every module unmasked). */
export const mayDecideProposals = (actor: Actor): actor is Extract<Actor, { kind: "human" }> => actor.kind === "human" && can(actor.role, "runbooks.edit");

/** The view of one proposal for `viewer`, with the base version's phases for the diff. */
export async function proposalView(q: Queries, viewer: Actor, row: ProposalRow): Promise<ProposalView> {
  const book = row.runbookId ? await q.runbooks.byId(row.runbookId) : undefined;
  const base = row.baseVersionId ? await q.runbooks.versionById(row.baseVersionId) : undefined;
  const project = row.projectId ? (await q.projects.list()).find((p) => p.id === row.projectId) : undefined;
  const live = row.status === "open" || row.status === "awaiting_second";
  const self = viewer.kind === "human" && viewer.userId === row.firstApprovedBy;
  return {
    id: row.id, rule: row.rule, target: row.target,
    runbook: book ? { id: book.id, name: book.name } : null,
    project: project ? { id: project.id, slug: project.slug, name: project.name } : null,
    changes: row.changes, weakening: row.weakening,
    before: row.target === "runbook" ? ((base?.phases as PhaseDef[] | undefined) ?? null) : null,
    after: row.target === "runbook" ? (row.phases as PhaseDef[]) : null,
    baseVersion: base?.version ?? null,
    module: row.target === "module_access" ? { name: row.module!, role: row.role!, from: row.fromLevel!, to: row.toLevel! } : null,
    evidence: row.evidence as ProposalView["evidence"],
    status: row.status, createdAt: row.createdAt, firstApprovedBy: row.firstApprovedBy, decidedBy: row.decidedBy, decidedAt: row.decidedAt,
    decisionReason: row.decisionReason, mutedUntil: row.mutedUntil, versionId: row.versionId,
    // The person who gave a weakening change its first approval cannot give the second.
    canApprove: live && mayDecideProposals(viewer) && !(row.status === "awaiting_second" && self),
    canDismiss: live && mayDecideProposals(viewer),
  };
}
