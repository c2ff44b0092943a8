import { DAY } from "../../lib/time.ts";
import type { Ctx } from "../context.ts";
import { conflict, forbidden, notFound } from "../errors.ts";
import type { PhaseDef } from "../runbook/schemas.ts";
import { insertNextVersion } from "../runbook/insert-version.ts";
import { screenInput } from "../scan/screen-input.ts";
import { getSettings } from "../setting/get-settings.ts";
import type { Tx } from "../store.ts";
import { transact, type Record } from "../transact.ts";
import { parseInput } from "../validate.ts";
import type { ProposalRow } from "./queries.ts";
import { DecideProposalInput, type ProposalView } from "./schemas.ts";
import { mayDecideProposals, proposalView } from "./view.ts";

async function decide(ctx: Ctx, input: unknown, approve: boolean): Promise<ProposalView> {
  const actor = ctx.actor;
  if (!mayDecideProposals(actor)) throw forbidden("runbook proposals are decided by a lead, admin or owner");
  const data = parseInput(DecideProposalInput, input);
  const [reason] = await screenInput(ctx, [{ field: "reason", value: data.reason ?? "", max: 500 }]);
  return transact(ctx, async (tx, record) => {
    const row = await tx.miner.proposal(data.proposalId);
    if (!row) throw notFound(`runbook proposal '${data.proposalId}'`);
    if (row.status !== "open" && row.status !== "awaiting_second") throw conflict(`runbook proposal '${row.id}' was already ${row.status}`);
    const now = ctx.clock.now();
    const base = { firstApprovedBy: row.firstApprovedBy, decidedBy: actor.userId, decidedAt: now, decisionReason: reason || null, mutedUntil: null, versionId: null };
    let next: Pick<ProposalRow, "status" | "firstApprovedBy" | "decidedBy" | "decidedAt" | "decisionReason" | "mutedUntil" | "versionId">;
    if (!approve) {
      // Dismissed: the pattern stays muted for the miner's window, then may come back with fresh evidence.
      const days = (await getSettings(tx)).minerWindowDays;
      next = { ...base, status: "dismissed", mutedUntil: now + days * DAY };
      await record({ type: "runbook_proposal.dismissed", projectId: row.projectId, subject: row.id, meta: { rule: row.rule, mutedUntil: next.mutedUntil } });
    } else if (row.weakening && row.status === "open") {
      // Four eyes (DESIGN §13): a change that loosens the process needs a second person.
      next = { ...base, status: "awaiting_second", firstApprovedBy: actor.userId, decidedBy: null, decidedAt: null };
      await record({ type: "runbook_proposal.approved", projectId: row.projectId, subject: row.id, meta: { rule: row.rule, stage: "first", awaitingSecond: true } });
    } else {
      if (row.status === "awaiting_second" && row.firstApprovedBy === actor.userId) {
        throw forbidden("this proposal loosens the process and needs a second person: you gave the first approval, so somebody else must give the second");
      }
      const versionId = await apply(tx, record, row, actor.userId, now);
      next = { ...base, status: "approved", versionId };
      await record({ type: "runbook_proposal.approved", projectId: row.projectId, subject: row.id, meta: { rule: row.rule, stage: "published", versionId, weakening: row.weakening } });
    }
    if (!(await tx.miner.decideProposal(row.id, row.status, next))) throw conflict(`runbook proposal '${row.id}' was decided meanwhile`);
    return proposalView(tx, actor, { ...row, ...next });
  });
}

/** Publishes the patch: the next runbook version (runs in flight keep theirs), or the module's new access level. */
async function apply(tx: Tx, record: Record, row: ProposalRow, userId: string, now: number): Promise<string | null> {
  if (row.target === "runbook") {
    const book = await tx.runbooks.byId(row.runbookId!);
    if (!book) throw notFound("runbook");
    // What was reviewed is a change against one version: after another publish it no longer says what it would do.
    if ((await tx.runbooks.latestVersion(book.id))?.id !== row.baseVersionId) {
      throw conflict("the runbook was published again since this proposal was made; dismiss it, and the next pass proposes against the current version");
    }
    return (await insertNextVersion(tx, record, book, row.phases as PhaseDef[], userId, now)).id;
  }
  const module = (await tx.projects.modulesWithAccess(row.projectId!)).find((m) => m.name === row.module);
  if (!module) throw conflict(`module '${row.module}' no longer exists`);
  if ((module.access[row.role!] ?? "editable") !== row.fromLevel) throw conflict(`module '${row.module}' changed for the ${row.role} role since this proposal was made; dismiss it`);
  if (row.toLevel === "editable") await tx.projects.clearAccess(module.id, row.role!);
  else await tx.projects.setAccess(module.id, row.role!, row.toLevel!);
  await record({ type: "module.access_changed", projectId: row.projectId, subject: module.id, meta: { [row.role!]: row.toLevel!, proposalId: row.id } });
  return null;
}

/**
 * A lead or above approves a proposal: it is published (a new runbook version, or the module's
 * access), or, when it loosens the process, it waits for a second person who then publishes it.
 */
export function approveProposal({ ctx, input }: { ctx: Ctx; input: unknown }) {
  return decide(ctx, input, true);
}

/** A lead or above dismisses a proposal: its pattern is muted for the miner's window. */
export function dismissProposal({ ctx, input }: { ctx: Ctx; input: unknown }) {
  return decide(ctx, input, false);
}
