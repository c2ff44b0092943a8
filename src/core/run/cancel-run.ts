import { z } from "zod";
import type { Ctx } from "../context.ts";
import { AppError, forbidden, notFound } from "../errors.ts";
import { atLeast, can } from "../roles.ts";
import { screenInput } from "../scan/screen-input.ts";
import { refuse, transact } from "../transact.ts";
import { parseInput } from "../validate.ts";
import { closeRun } from "./finish-run.ts";
import { FINISHED_STATUSES } from "./schemas.ts";

export const CancelRunInput = z.strictObject({ runId: z.string().max(30), reason: z.string().max(500).optional() });

/**
 * A person cancels a run from the web app: a lead or above, or the run's owner. It ends as
 * finish_run with outcome `cancelled` does (pending checkpoints expire, claims end), with
 * `run.cancelled` recorded for the person. The reason, when given, becomes the run's summary.
 */
export async function cancelRun({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<{ runId: string; status: "cancelled"; finishedAt: number }> {
  const actor = ctx.actor;
  if (actor.kind !== "human" || !can(actor.role, "runs.view")) throw forbidden("runs are cancelled by people in the web app (or by their agent with finish_run)");
  const data = parseInput(CancelRunInput, input);
  const [reason] = await screenInput(ctx, [{ field: "reason", value: data.reason ?? "", max: 500 }], { runId: data.runId });
  return transact(ctx, async (tx, record) => {
    const run = await tx.runs.byId(data.runId);
    if (!run) refuse(notFound(`run '${data.runId}'`));
    if (run.ownerUserId !== actor.userId && !atLeast(actor.role, "lead")) refuse(forbidden("only the run's owner or a lead or above can cancel a run"));
    if (FINISHED_STATUSES.includes(run.status)) refuse(new AppError("conflict", `run ${run.id} is already ${run.status}`));
    const now = ctx.clock.now();
    const summary = reason || run.summary || "Cancelled in the web app.";
    await closeRun(tx, record, run, "cancelled", summary, now, { learnings: 0, by: "person", own: run.ownerUserId === actor.userId ? 1 : 0 });
    return { runId: run.id, status: "cancelled" as const, finishedAt: now };
  });
}
