import type { Actor, Ctx } from "../context.ts";
import { conflict, forbidden, notFound } from "../errors.ts";
import { can } from "../roles.ts";
import { screenInput } from "../scan/screen-input.ts";
import { transact } from "../transact.ts";
import { parseInput } from "../validate.ts";
import { insertNextVersion } from "./insert-version.ts";
import type { RunbookChangeRow } from "./queries.ts";
import { latestVersion } from "./read-runbook.ts";
import { DecideRunbookChangeInput, type PhaseDef, type RunbookChangeView, type RunbookVersionView } from "./schemas.ts";

const editor = (viewer: Actor) => viewer.kind === "human" && can(viewer.role, "runbooks.edit");

export function changeView(viewer: Actor, row: RunbookChangeRow): RunbookChangeView {
  const pending = row.status === "pending" && editor(viewer);
  const self = viewer.kind === "human" && viewer.userId === row.proposedBy;
  return {
    id: row.id, runbookId: row.runbookId, baseVersionId: row.baseVersionId, phases: row.phases as PhaseDef[], loosenings: row.loosenings, status: row.status,
    proposedBy: row.proposedBy, proposedAt: row.proposedAt, decidedBy: row.decidedBy, decidedAt: row.decidedAt, decisionReason: row.decisionReason, versionId: row.versionId,
    canApprove: pending && !self, canReject: pending,
  };
}

async function decide(ctx: Ctx, input: unknown, approve: boolean): Promise<{ change: RunbookChangeView; version: RunbookVersionView | null }> {
  const actor = ctx.actor;
  if (actor.kind !== "human" || !can(actor.role, "runbooks.edit")) throw forbidden("only a lead, admin or owner may decide runbook changes");
  const data = parseInput(DecideRunbookChangeInput, input);
  const [reason] = await screenInput(ctx, [{ field: "reason", value: data.reason ?? "", max: 500 }]);
  return transact(ctx, async (tx, record) => {
    const row = await tx.runbooks.changeById(data.changeId);
    if (!row || row.runbookId !== data.runbookId) throw notFound(`runbook change '${data.changeId}'`);
    const book = (await tx.runbooks.byId(row.runbookId))!;
    if (row.status !== "pending") throw conflict(`runbook change '${row.id}' was already ${row.status}`);
    // Four eyes: the person who proposed the loosening may withdraw it, never approve it.
    if (approve && row.proposedBy === actor.userId) throw forbidden("a runbook change that loosens the process needs a second person: you proposed it, so somebody else must approve it");
    const now = ctx.clock.now();
    let version: RunbookVersionView | null = null;
    if (approve) {
      // What was reviewed is a change against one version: after another publish it no longer says what it would do.
      if ((await latestVersion(tx, row.runbookId))?.id !== row.baseVersionId) throw conflict("the runbook was published again since this change was proposed; reject it and propose it again against the current version");
      version = await insertNextVersion(tx, record, book, row.phases as PhaseDef[], row.proposedBy, now);
    }
    const decided = { status: approve ? ("approved" as const) : ("rejected" as const), decidedBy: actor.userId, decidedAt: now, decisionReason: reason || null, versionId: version?.id ?? null };
    await tx.runbooks.decideChange(row.id, decided);
    await record({
      type: approve ? "runbook.change_approved" : "runbook.change_rejected", subject: book.id, projectId: book.projectId,
      meta: { changeId: row.id, ...(version ? { version: version.version, versionId: version.id } : { withdrawn: row.proposedBy === actor.userId }) },
    });
    return { change: changeView(actor, { ...row, ...decided }), version };
  });
}

/** A second person with runbook-edit rights approves a pending loosening: it is published as the next version. */
export function approveRunbookChange({ ctx, input }: { ctx: Ctx; input: unknown }) {
  return decide(ctx, input, true);
}

/** A person with runbook-edit rights rejects a pending loosening (its proposer may withdraw it). */
export function rejectRunbookChange({ ctx, input }: { ctx: Ctx; input: unknown }) {
  return decide(ctx, input, false);
}
