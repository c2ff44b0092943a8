import { and, desc, eq, gte } from "drizzle-orm";
import type { z } from "zod";
import { builds, checkpoints, runs } from "../../db/schema/index.ts";
import { expireDue } from "../checkpoint/expiry.ts";
import { insertCheckpoint } from "../checkpoint/insert-checkpoint.ts";
import type { Ctx } from "../context.ts";
import { AppError, invalid } from "../errors.ts";
import { versionById } from "../runbook/read-runbook.ts";
import type { PhaseDef } from "../runbook/schemas.ts";
import { screenInput } from "../scan/screen-input.ts";
import { transact } from "../transact.ts";
import { parseInput } from "../validate.ts";
import { assertOpen, loadOwnRun, requireAgent } from "./access.ts";
import { recordDrift } from "./drift.ts";
import { AdvancePhaseInput, type AdvancePhaseOutput } from "./schemas.ts";

type Output = z.infer<typeof AdvancePhaseOutput>;

const ROLE_ARTICLE: Record<string, string> = { lead: "a lead", admin: "an admin", owner: "the owner" };

/**
 * Moves a run to another phase of its runbook version. Forward moves go one phase at a time, need
 * the current phase's exit evidence, and a gated phase needs an approved checkpoint: the first call
 * creates it and returns `awaiting_approval`; once a person approves, calling again moves the run.
 * Moving back (rework) is always allowed. Refusals are recorded (run.gate_refused) and thrown.
 */
export function advancePhase({ ctx, input }: { ctx: Ctx; input: unknown }): Output {
  const actor = requireAgent(ctx);
  const data = parseInput(AdvancePhaseInput, input);
  const [summary] = screenInput(ctx, [{ field: "summary", value: data.summary ?? "", max: 2000 }], { runId: data.run_id });
  const outcome = transact(ctx, (tx, record): { ok: Output } | { refused: AppError } => {
    const run = loadOwnRun(tx, actor, data.run_id);
    assertOpen(run);
    const now = ctx.clock.now();
    expireDue(tx, record, now, { runId: run.id });
    const phases = versionById(tx, run.runbookVersionId).phases as PhaseDef[];
    const names = phases.map((p) => p.name);
    const from = names.indexOf(run.phase);
    const to = names.indexOf(data.phase);
    if (to < 0) throw invalid(`phase: '${data.phase}' is not a phase of this run's runbook (${names.join(" → ")})`, { fields: ["phase"] });
    const current = () => tx.select().from(runs).where(eq(runs.id, run.id)).get()!;
    if (summary) tx.update(runs).set({ summary, updatedAt: now }).where(eq(runs.id, run.id)).run();
    if (to === from) {
      const r = current();
      return { ok: { run_id: run.id, status: r.status, phase: r.phase, checkpoint_id: null, message: `the run is already in phase '${r.phase}'` } };
    }

    const pending = tx.select().from(checkpoints).where(and(eq(checkpoints.runId, run.id), eq(checkpoints.status, "pending"))).orderBy(desc(checkpoints.requestedAt)).all();
    const waitingOn = pending.find((c) => !(c.kind === "phase_gate" && c.targetPhase === data.phase));
    if (waitingOn) {
      return { refused: new AppError("conflict", `checkpoint ${waitingOn.id} is pending a decision; wait for it with get_checkpoint before changing phase`) };
    }

    const refuse = (reason: string, message: string, meta: Record<string, string | number | null> = {}) => {
      record({ type: "run.gate_refused", runId: run.id, projectId: run.projectId, meta: { reason, from: run.phase, to: data.phase, ...meta } });
      return { refused: new AppError("gate_closed", message) };
    };
    const move = (direction: "forward" | "back"): { ok: Output } => {
      tx.update(runs).set({ phase: data.phase, phaseEnteredAt: now, status: "active", updatedAt: now }).where(eq(runs.id, run.id)).run();
      record({ type: "run.phase_advanced", runId: run.id, projectId: run.projectId, meta: { from: run.phase, to: data.phase, direction } });
      return { ok: { run_id: run.id, status: "active", phase: data.phase, checkpoint_id: null, message: `the run is now in phase '${data.phase}'` } };
    };

    if (to < from) return move("back");

    if (to > from + 1) {
      const skipped = phases.slice(from + 1, to);
      const gated = skipped.filter((p) => p.gate).map((p) => p.name);
      if (gated.length > 0) recordDrift(tx, record, ctx, run, "gate_skip", { from: run.phase, to: data.phase, gates: gated.join(",") });
      return refuse("skip", `phase '${data.phase}' is not next: the run is in '${run.phase}'; phases run in order (${names.join(" → ")}), so advance to '${names[from + 1]}' first`, { skipped: skipped.length });
    }

    const exit = phases[from]!.exit;
    if (exit) {
      const kind = exit.requires.replace("passing_", "") as "build" | "test" | "lint";
      const evidence = tx.select({ id: builds.id }).from(builds)
        .where(and(eq(builds.runId, run.id), eq(builds.kind, kind), eq(builds.exitCode, 0), gte(builds.createdAt, run.phaseEnteredAt))).limit(1).get();
      if (!evidence) {
        return refuse("evidence", `phase '${run.phase}' cannot be left yet: it requires a passing ${kind} reported since entering it (call report_build with kind '${kind}' and exit_code 0, for example through railyard exec)`, { requires: exit.requires });
      }
    }

    const gate = phases[to]!.gate;
    if (!gate) return move("forward");
    const approved = tx.select({ id: checkpoints.id }).from(checkpoints)
      .where(and(eq(checkpoints.runId, run.id), eq(checkpoints.kind, "phase_gate"), eq(checkpoints.targetPhase, data.phase), eq(checkpoints.status, "approved"), gte(checkpoints.decidedAt, run.phaseEnteredAt)))
      .limit(1).get();
    if (approved) return move("forward");
    const who = `${ROLE_ARTICLE[gate.minRole] ?? gate.minRole} (not the run's owner)`;
    const existing = pending.find((c) => c.kind === "phase_gate" && c.targetPhase === data.phase);
    const ck = existing ?? insertCheckpoint(tx, record, ctx, run, { kind: "phase_gate", targetPhase: data.phase, reason: "phase_gate", summary: summary || null, requiredRole: gate.minRole });
    return {
      ok: {
        run_id: run.id,
        status: "awaiting_approval",
        phase: run.phase,
        checkpoint_id: ck.id,
        message: `phase '${data.phase}' is gated: checkpoint ${ck.id} is pending approval by ${who}; wait with get_checkpoint (wait_seconds up to 25), then call advance_phase again`,
      },
    };
  });
  if ("refused" in outcome) throw outcome.refused;
  return outcome.ok;
}
