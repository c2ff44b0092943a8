import { z } from "zod";
import { lastRejection, liftBlock } from "../checkpoint/block.ts";
import type { RunStatus } from "../checkpoint/queries.ts";
import type { Ctx } from "../context.ts";
import { AppError, forbidden, notFound } from "../errors.ts";
import { atLeast, can } from "../roles.ts";
import { refuse, transact } from "../transact.ts";
import { parseInput } from "../validate.ts";

export const UnblockRunInput = z.strictObject({ runId: z.string().max(30) });

/**
 * A person lifts a rejection's block from the web app, so the agent may move the run again.
 * Four eyes, as for deciding checkpoints: the person needs `checkpoints.decide` (lead or above),
 * at least the role the rejected checkpoint required, and must not own the run (an owner could
 * otherwise override a rejection of their own agent's work). Records `run.unblocked`.
 */
export async function unblockRun({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<{ runId: string; status: RunStatus }> {
  const actor = ctx.actor;
  if (actor.kind !== "human") throw forbidden("runs are unblocked by people in the web app");
  if (!can(actor.role, "checkpoints.decide")) throw forbidden(`the ${actor.role} role cannot unblock runs`);
  const data = parseInput(UnblockRunInput, input);
  return transact(ctx, async (tx, record) => {
    const run = await tx.runs.byId(data.runId);
    if (!run) refuse(notFound(`run '${data.runId}'`));
    if (run.status !== "blocked") refuse(new AppError("conflict", `run ${run.id} is ${run.status}; only a blocked run can be unblocked`));
    if (run.ownerUserId === actor.userId) refuse(forbidden("you own this run: someone else must unblock it (four eyes)"));
    const rejection = await lastRejection(tx, run.id);
    if (rejection && !atLeast(actor.role, rejection.requiredRole)) refuse(forbidden(`the rejected checkpoint needed a ${rejection.requiredRole} or above; so does unblocking`));
    const status = await liftBlock(tx, record, run, ctx.clock.now(), { by: "person", checkpointId: rejection?.id ?? null });
    return { runId: run.id, status: status! };
  });
}
