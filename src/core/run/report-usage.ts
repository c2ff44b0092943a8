import type { z } from "zod";
import { newId } from "../../lib/ids.ts";
import { budgetWaitMessage, chargeUsage } from "../budget/charge.ts";
import type { Ctx } from "../context.ts";
import { screenInput } from "../scan/screen-input.ts";
import { transact } from "../transact.ts";
import { parseInput } from "../validate.ts";
import { assertOpen, loadOwnRun, requireAgent } from "./access.ts";
import { ReportUsageInput, type ReportUsageOutput } from "./schemas.ts";

/**
 * Adds model token usage to a run; totals are incremented in SQL so concurrent reports all count.
 * The tokens count against the run's and the project's budgets (always recorded, even over budget:
 * what was spent is spent); the answer says what is left and names the budget checkpoint the run waits on.
 */
export async function reportUsage({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<z.infer<typeof ReportUsageOutput>> {
  const actor = requireAgent(ctx);
  const data = parseInput(ReportUsageInput, input);
  const [model] = await screenInput(ctx, [{ field: "model", value: data.model, max: 100 }], { runId: data.run_id });
  const cache = data.cache_tokens ?? 0;
  const calls = data.calls ?? 1;
  return transact(ctx, async (tx, record) => {
    const run = await loadOwnRun(tx, actor, data.run_id);
    assertOpen(run);
    const now = ctx.clock.now();
    const id = newId("use");
    await tx.runs.insertUsage({ id, runId: run.id, model: model!, inputTokens: data.input_tokens, outputTokens: data.output_tokens, cacheTokens: cache, calls, createdAt: now });
    const totals = await tx.runs.addUsage(run.id, { inputTokens: data.input_tokens, outputTokens: data.output_tokens, cacheTokens: cache, calls }, now);
    await record({ type: "usage.reported", runId: run.id, projectId: run.projectId, subject: id, meta: { inputTokens: data.input_tokens, outputTokens: data.output_tokens, cacheTokens: cache, calls } });
    const budget = await chargeUsage(tx, record, ctx, run, data.input_tokens + data.output_tokens, totals.inputTokens + totals.outputTokens);
    const message = budget.checkpoint_id ? budgetWaitMessage(run.id, budget.checkpoint_id)
      : budget.run.remaining_tokens !== null || budget.project.remaining_tokens !== null ? "recorded; the budget left is in budget.run and budget.project" : "recorded; no token budget is set";
    return { run_id: run.id, totals: { input_tokens: totals.inputTokens, output_tokens: totals.outputTokens, cache_tokens: totals.cacheTokens, calls: totals.calls }, budget, message };
  });
}
