import { and, eq } from "drizzle-orm";
import type { z } from "zod";
import { checkpoints, fileReports, knowledgeNotes, runs, workUnits } from "../../db/schema/index.ts";
import { newId } from "../../lib/ids.ts";
import type { Ctx } from "../context.ts";
import { AppError } from "../errors.ts";
import { versionById } from "../runbook/read-runbook.ts";
import type { PhaseDef } from "../runbook/schemas.ts";
import { screenInput } from "../scan/screen-input.ts";
import { transact } from "../transact.ts";
import { parseInput } from "../validate.ts";
import { assertOpen, isoTime, loadOwnRun, requireAgent } from "./access.ts";
import { recordDrift } from "./drift.ts";
import { FinishRunInput, type FinishRunOutput } from "./schemas.ts";

type Output = z.infer<typeof FinishRunOutput>;

// Learnings are tagged with the run's paths so later runs touching them see them first.
const NOTE_PATHS = 50;

/**
 * Finishes a run. `completed` is only possible from the runbook's last phase (finishing early must
 * not skip a gate); `failed` and `cancelled` are always possible. Pending checkpoints expire and
 * learnings become shared-brain notes written by an agent.
 */
export function finishRun({ ctx, input }: { ctx: Ctx; input: unknown }): Output {
  const actor = requireAgent(ctx);
  const data = parseInput(FinishRunInput, input);
  const [summary, ...learnings] = screenInput(ctx, [
    { field: "summary", value: data.summary, max: 2000 },
    ...(data.learnings ?? []).map((value, i) => ({ field: `learnings.${i}`, value, max: 2000 })),
  ], { runId: data.run_id });
  const outcome = transact(ctx, (tx, record): { ok: Output } | { refused: AppError } => {
    const run = loadOwnRun(tx, actor, data.run_id);
    assertOpen(run);
    const now = ctx.clock.now();
    if (data.outcome === "completed") {
      const phases = versionById(tx, run.runbookVersionId).phases as PhaseDef[];
      const last = phases[phases.length - 1]!;
      if (run.phase !== last.name) {
        const remaining = phases.slice(phases.findIndex((p) => p.name === run.phase) + 1);
        const gated = remaining.filter((p) => p.gate).map((p) => p.name);
        if (gated.length > 0) recordDrift(tx, record, ctx, run, "gate_skip", { from: run.phase, to: "completed", gates: gated.join(",") });
        record({ type: "run.gate_refused", runId: run.id, projectId: run.projectId, meta: { reason: "finish_early", from: run.phase, to: last.name } });
        return { refused: new AppError("gate_closed", `a run can only complete from its last phase '${last.name}'; it is in '${run.phase}' (advance through ${remaining.map((p) => p.name).join(" → ")}, or finish with outcome failed or cancelled)`) };
      }
    }
    for (const ck of tx.select({ id: checkpoints.id, kind: checkpoints.kind }).from(checkpoints).where(and(eq(checkpoints.runId, run.id), eq(checkpoints.status, "pending"))).all()) {
      tx.update(checkpoints).set({ status: "expired", decidedAt: now }).where(eq(checkpoints.id, ck.id)).run();
      record({ type: "checkpoint.expired", runId: run.id, projectId: run.projectId, subject: ck.id, meta: { kind: ck.kind, why: "run_finished" } });
    }
    tx.update(runs).set({ status: data.outcome, summary: summary!, finishedAt: now, updatedAt: now }).where(eq(runs.id, run.id)).run();
    record({ type: `run.${data.outcome}`, runId: run.id, projectId: run.projectId, meta: { phase: run.phase, learnings: learnings.length } });
    if (learnings.length > 0) {
      const unitPaths = tx.select({ paths: workUnits.paths }).from(workUnits).where(eq(workUnits.runId, run.id)).all().flatMap((u) => u.paths);
      const filePaths = tx.select({ path: fileReports.path }).from(fileReports).where(and(eq(fileReports.runId, run.id))).limit(NOTE_PATHS).all().map((f) => f.path);
      const paths = [...new Set([...unitPaths, ...filePaths])].slice(0, NOTE_PATHS);
      for (const body of learnings) {
        const id = newId("note");
        tx.insert(knowledgeNotes).values({ id, projectId: run.projectId, body, paths, authorKind: "agent", authorUserId: actor.userId, runId: run.id, createdAt: now }).run();
        record({ type: "knowledge.recorded", runId: run.id, projectId: run.projectId, subject: id, meta: { authorKind: "agent", paths: paths.length } });
      }
    }
    return { ok: { run_id: run.id, status: data.outcome, phase: run.phase, notes_recorded: learnings.length, finished_at: isoTime(now) } };
  });
  if ("refused" in outcome) throw outcome.refused;
  return outcome.ok;
}
