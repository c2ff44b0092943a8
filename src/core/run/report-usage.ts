import { eq, sql } from "drizzle-orm";
import type { z } from "zod";
import { runs, usageReports } from "../../db/schema/index.ts";
import { newId } from "../../lib/ids.ts";
import type { Ctx } from "../context.ts";
import { screenInput } from "../scan/screen-input.ts";
import { transact } from "../transact.ts";
import { parseInput } from "../validate.ts";
import { assertOpen, loadOwnRun, requireAgent } from "./access.ts";
import { ReportUsageInput, type ReportUsageOutput } from "./schemas.ts";

/** Adds model token usage to a run; totals are incremented in SQL so concurrent reports all count. */
export function reportUsage({ ctx, input }: { ctx: Ctx; input: unknown }): z.infer<typeof ReportUsageOutput> {
  const actor = requireAgent(ctx);
  const data = parseInput(ReportUsageInput, input);
  const [model] = screenInput(ctx, [{ field: "model", value: data.model, max: 100 }], { runId: data.run_id });
  const cache = data.cache_tokens ?? 0;
  const calls = data.calls ?? 1;
  return transact(ctx, (tx, record) => {
    const run = loadOwnRun(tx, actor, data.run_id);
    assertOpen(run);
    const now = ctx.clock.now();
    const id = newId("use");
    tx.insert(usageReports).values({ id, runId: run.id, model: model!, inputTokens: data.input_tokens, outputTokens: data.output_tokens, cacheTokens: cache, calls, createdAt: now }).run();
    tx.update(runs).set({
      inputTokens: sql`${runs.inputTokens} + ${data.input_tokens}`,
      outputTokens: sql`${runs.outputTokens} + ${data.output_tokens}`,
      cacheTokens: sql`${runs.cacheTokens} + ${cache}`,
      calls: sql`${runs.calls} + ${calls}`,
      updatedAt: now,
    }).where(eq(runs.id, run.id)).run();
    record({ type: "usage.reported", runId: run.id, projectId: run.projectId, subject: id, meta: { inputTokens: data.input_tokens, outputTokens: data.output_tokens, cacheTokens: cache, calls } });
    const totals = tx.select({ input_tokens: runs.inputTokens, output_tokens: runs.outputTokens, cache_tokens: runs.cacheTokens, calls: runs.calls }).from(runs).where(eq(runs.id, run.id)).get()!;
    return { run_id: run.id, totals };
  });
}
