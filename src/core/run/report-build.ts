import { and, desc, eq } from "drizzle-orm";
import type { z } from "zod";
import { builds, runs } from "../../db/schema/index.ts";
import { newId } from "../../lib/ids.ts";
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
export function reportBuild({ ctx, input }: { ctx: Ctx; input: unknown }): z.infer<typeof ReportBuildOutput> {
  const actor = requireAgent(ctx);
  const data = parseInput(ReportBuildInput, input);
  const [logTail] = screenInput(ctx, [{ field: "log_tail", value: data.log_tail ?? "", max: 500 }], { runId: data.run_id });
  return transact(ctx, (tx, record) => {
    const run = loadOwnRun(tx, actor, data.run_id);
    assertOpen(run);
    const now = ctx.clock.now();
    const id = newId("bld");
    tx.insert(builds).values({ id, runId: run.id, phase: run.phase, kind: data.kind, exitCode: data.exit_code, durationMs: data.duration_ms, logTail: logTail || null, createdAt: now }).run();
    tx.update(runs).set({ updatedAt: now }).where(eq(runs.id, run.id)).run();
    record({ type: "build.reported", runId: run.id, projectId: run.projectId, subject: id, meta: { kind: data.kind, exitCode: data.exit_code, durationMs: data.duration_ms, phase: run.phase } });
    let drift: string | null = null;
    if (data.exit_code !== 0) {
      const recent = tx.select({ exitCode: builds.exitCode }).from(builds).where(and(eq(builds.runId, run.id), eq(builds.kind, data.kind))).orderBy(desc(builds.createdAt), desc(builds.id)).limit(REPEATED_FAILURES + 1).all();
      const streak = recent.findIndex((b) => b.exitCode === 0);
      const failures = streak === -1 ? recent.length : streak;
      if (failures === REPEATED_FAILURES) {
        recordDrift(tx, record, ctx, run, "repeated_build_failure", { build_kind: data.kind, failures });
        drift = "repeated_build_failure";
      }
    }
    return { build_id: id, run_id: run.id, phase: run.phase, kind: data.kind, exit_code: data.exit_code, drift };
  });
}
