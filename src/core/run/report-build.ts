import type { z } from "zod";
import { newId } from "../../lib/ids.ts";
import { refuseWhileOverBudget } from "../budget/charge.ts";
import type { Ctx } from "../context.ts";
import { screenInput } from "../scan/screen-input.ts";
import { transact } from "../transact.ts";
import { parseInput } from "../validate.ts";
import { assertOpen, loadOwnRun, requireAgent } from "./access.ts";
import { recordDrift } from "./drift.ts";
import { ReportBuildInput, type ReportBuildOutput } from "./schemas.ts";

/** This many failing reports of one kind in a row is a drift signal (raised once, when reached). */
export const REPEATED_FAILURES = 3;

/** Records a build, test or lint result (exit code, duration, scanned log tail) in the run's current phase. */
export async function reportBuild({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<z.infer<typeof ReportBuildOutput>> {
  const actor = requireAgent(ctx);
  const data = parseInput(ReportBuildInput, input);
  const [logTail] = await screenInput(ctx, [{ field: "log_tail", value: data.log_tail ?? "", max: 500 }], { runId: data.run_id });
  return transact(ctx, async (tx, record) => {
    const run = await loadOwnRun(tx, actor, data.run_id);
    assertOpen(run);
    await refuseWhileOverBudget(tx, run, "report_build");
    const now = ctx.clock.now();
    const id = newId("bld");
    await tx.runs.insertBuild({ id, runId: run.id, phase: run.phase, kind: data.kind, exitCode: data.exit_code, durationMs: data.duration_ms, logTail: logTail || null, createdAt: now });
    await tx.runs.touch(run.id, now);
    await record({ type: "build.reported", runId: run.id, projectId: run.projectId, subject: id, meta: { kind: data.kind, exitCode: data.exit_code, durationMs: data.duration_ms, phase: run.phase } });
    let drift: "repeated_build_failure" | null = null;
    if (data.exit_code !== 0) {
      const recent = await tx.runs.recentExitCodes(run.id, data.kind, REPEATED_FAILURES + 1);
      const streak = recent.indexOf(0);
      const failures = streak === -1 ? recent.length : streak;
      if (failures === REPEATED_FAILURES) {
        await recordDrift(tx, record, ctx, run, "repeated_build_failure", { build_kind: data.kind, failures });
        drift = "repeated_build_failure";
      }
    }
    return { build_id: id, run_id: run.id, phase: run.phase, kind: data.kind, exit_code: data.exit_code, drift };
  });
}
