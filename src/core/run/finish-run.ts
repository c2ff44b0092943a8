import type { z } from "zod";
import { newId } from "../../lib/ids.ts";
import type { Ctx } from "../context.ts";
import { AppError } from "../errors.ts";
import { versionById } from "../runbook/read-runbook.ts";
import type { PhaseDef } from "../runbook/schemas.ts";
import { screenInput } from "../scan/screen-input.ts";
import type { Tx } from "../store.ts";
import { refuseKeeping, transact, type Record } from "../transact.ts";
import { parseInput } from "../validate.ts";
import { assertOpen, isoTime, loadOwnRun, requireAgent, type RunRow } from "./access.ts";
import { recordDrift } from "./drift.ts";
import { FinishRunInput, type FinishRunOutput } from "./schemas.ts";

type Output = z.infer<typeof FinishRunOutput>;

// Learnings are tagged with the run's paths so later runs touching them see them first.
const NOTE_PATHS = 50;

/**
 * Finishes a run. `completed` is only possible from the runbook's last phase (finishing early must
 * not skip a gate: refused, with run.gate_refused and, when gates remain, a gate_skip drift signal);
 * `failed` and `cancelled` are always possible. Pending checkpoints expire, claims end, and learnings become
 * proposed shared-brain notes written by an agent (they reach other agents once a person approves them).
 */
export async function finishRun({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<Output> {
  const actor = requireAgent(ctx);
  const data = parseInput(FinishRunInput, input);
  const [summary, ...learnings] = await screenInput(ctx, [
    { field: "summary", value: data.summary, max: 2000 },
    ...(data.learnings ?? []).map((value, i) => ({ field: `learnings.${i}`, value, max: 2000 })),
  ], { runId: data.run_id });
  return transact(ctx, async (tx, record): Promise<Output> => {
    const run = await loadOwnRun(tx, actor, data.run_id);
    assertOpen(run);
    const now = ctx.clock.now();
    if (data.outcome === "completed") {
      const phases = (await versionById(tx, run.runbookVersionId)).phases as PhaseDef[];
      const last = phases[phases.length - 1]!;
      if (run.phase !== last.name) {
        const remaining = phases.slice(phases.findIndex((p) => p.name === run.phase) + 1);
        const gated = remaining.filter((p) => p.gate).map((p) => p.name);
        refuseKeeping(
          new AppError("gate_closed", `a run can only complete from its last phase '${last.name}'; it is in '${run.phase}' (advance through ${remaining.map((p) => p.name).join(" → ")}, or finish with outcome failed or cancelled)`),
          async (keepTx, keepRecord) => {
            // Finishing early past a gate is drift: its signal outlives the refusal.
            if (gated.length > 0) await recordDrift(keepTx, keepRecord, ctx, run, "gate_skip", { from: run.phase, to: "completed", gates: gated.join(",") });
          },
          { type: "run.gate_refused", runId: run.id, projectId: run.projectId, meta: { reason: "finish_early", from: run.phase, to: last.name } },
        );
      }
    }
    await closeRun(tx, record, run, data.outcome, summary!, now, { learnings: learnings.length });
    if (learnings.length > 0) {
      const paths = [...new Set(await tx.runs.touchedPaths(run.id, NOTE_PATHS))].slice(0, NOTE_PATHS);
      for (const body of learnings) {
        const id = newId("note");
        // Proposed: an agent's text reaches other agents only after a person approved it (prompt injection).
        await tx.knowledge.insert({ id, projectId: run.projectId, body, paths, authorKind: "agent", authorUserId: actor.userId, runId: run.id, createdAt: now, status: "proposed", reviewedBy: null, updatedAt: null });
        await record({ type: "knowledge.recorded", runId: run.id, projectId: run.projectId, subject: id, meta: { authorKind: "agent", paths: paths.length, status: "proposed" } });
      }
    }
    return { run_id: run.id, status: data.outcome, phase: run.phase, notes_recorded: learnings.length, finished_at: isoTime(now) };
  });
}

/**
 * Ends a run in the caller's transaction (finish_run, and a person cancelling it in the web app):
 * its pending checkpoints expire, it takes `outcome` with `summary`, its claims end, and
 * `run.<outcome>` is recorded with `meta`. The caller checked that the run is open.
 */
export async function closeRun(tx: Tx, record: Record, run: RunRow, outcome: "completed" | "failed" | "cancelled", summary: string, now: number,
  meta: { [key: string]: string | number | null }): Promise<void> {
  for (const ck of await tx.runs.expirePending(run.id, now)) {
    await record({ type: "checkpoint.expired", runId: run.id, projectId: run.projectId, subject: ck.id, meta: { kind: ck.kind, why: "run_finished" } });
  }
  await tx.runs.finish(run.id, outcome, summary, now);
  // A finished run holds nothing: its paths are free for other runs at once.
  await tx.runs.endClaims(run.id, outcome, now);
  await record({ type: `run.${outcome}`, runId: run.id, projectId: run.projectId, meta: { phase: run.phase, ...meta } });
}
