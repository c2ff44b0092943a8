import type { z } from "zod";
import { insertCheckpoint } from "../checkpoint/insert-checkpoint.ts";
import type { Ctx } from "../context.ts";
import { screenInput } from "../scan/screen-input.ts";
import { transact } from "../transact.ts";
import { parseInput } from "../validate.ts";
import { assertOpen, isoTime, loadOwnRun, requireAgent } from "./access.ts";
import { RequestApprovalInput, type RequestApprovalOutput } from "./schemas.ts";

/** Asks a person (a lead or above, not the run's owner) to approve a risky step; the run waits. */
export async function requestApproval({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<z.infer<typeof RequestApprovalOutput>> {
  const actor = requireAgent(ctx);
  const data = parseInput(RequestApprovalInput, input);
  const [summary] = await screenInput(ctx, [{ field: "summary", value: data.summary, max: 2000 }], { runId: data.run_id });
  // Its refusals (unknown or finished run) come before the checkpoint is written: they change nothing.
  return transact(ctx, async (tx, record) => {
    const run = await loadOwnRun(tx, actor, data.run_id);
    assertOpen(run);
    const ck = await insertCheckpoint(tx, record, ctx, run, { kind: "approval", targetPhase: null, reason: data.reason, summary: summary!, requiredRole: "lead" });
    return {
      checkpoint_id: ck.id, status: "pending" as const, expires_at: isoTime(ck.expiresAt),
      message: `checkpoint ${ck.id} is pending a lead's decision; advance_phase is refused until it is decided. Wait with get_checkpoint; if it is rejected, do not take the step (plan other work or finish_run)`,
    };
  });
}
