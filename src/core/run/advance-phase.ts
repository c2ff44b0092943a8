import type { z } from "zod";
import { budgetWaitMessage } from "../budget/charge.ts";
import { lastRejection } from "../checkpoint/block.ts";
import { expireDue } from "../checkpoint/expiry.ts";
import { insertCheckpoint } from "../checkpoint/insert-checkpoint.ts";
import type { EventInput } from "../audit/append-event.ts";
import type { Ctx } from "../context.ts";
import { AppError, invalid } from "../errors.ts";
import { versionById } from "../runbook/read-runbook.ts";
import type { PhaseDef } from "../runbook/schemas.ts";
import { screenInput } from "../scan/screen-input.ts";
import { refuse, refuseKeeping, transact } from "../transact.ts";
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
 * Moving back (rework) is allowed, except on a blocked run: after a rejection every move is refused
 * until a person unblocks the run or approves a checkpoint requested since. A refusal commits its run.gate_refused event (and, for a
 * skipped gate, the drift signal) and nothing else: a summary sent along is not stored.
 */
export async function advancePhase({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<Output> {
  const actor = requireAgent(ctx);
  const data = parseInput(AdvancePhaseInput, input);
  const [summary] = await screenInput(ctx, [{ field: "summary", value: data.summary ?? "", max: 2000 }], { runId: data.run_id });
  return transact(ctx, async (tx, record): Promise<Output> => {
    const run = await loadOwnRun(tx, actor, data.run_id);
    assertOpen(run);
    const now = ctx.clock.now();
    await expireDue(tx, record, now, { runId: run.id });
    const phases = (await versionById(tx, run.runbookVersionId)).phases as PhaseDef[];
    const names = phases.map((p) => p.name);
    const from = names.indexOf(run.phase);
    const to = names.indexOf(data.phase);
    if (run.status === "blocked") {
      // A rejection holds until a person unblocks the run or approves a new checkpoint: no move of the agent's own lifts it.
      const rejection = await lastRejection(tx, run.id);
      const why = rejection ? `checkpoint ${rejection.id} was rejected${rejection.decisionReason ? ` ("${rejection.decisionReason}")` : ""}` : "a person blocked it";
      const waiting = (await tx.runs.pendingCheckpoints(run.id))[0];
      refuse(
        new AppError("gate_closed", `run ${run.id} is blocked: ${why}. advance_phase is refused until a person unblocks it in the web app${waiting ? `, or checkpoint ${waiting.id} (pending) is approved — wait for it with get_checkpoint` : `; to ask again, call request_approval (a new checkpoint a person decides) and wait for it with get_checkpoint, or wait for a person`}`),
        { type: "run.gate_refused", runId: run.id, projectId: run.projectId, meta: { reason: "blocked", from: run.phase, to: data.phase, checkpointId: rejection?.id ?? null } },
      );
    }
    if (to < 0) refuse(invalid(`phase: '${data.phase}' is not a phase of this run's runbook (${names.join(" → ")})`, { fields: ["phase"] }));
    if (summary) await tx.runs.setSummary(run.id, summary, now);
    if (to === from) {
      const r = (await tx.runs.byId(run.id))!;
      return { run_id: run.id, status: r.status, phase: r.phase, checkpoint_id: null, message: `the run is already in phase '${r.phase}'` };
    }

    const pending = await tx.runs.pendingCheckpoints(run.id);
    const waitingOn = pending.find((c) => !(c.kind === "phase_gate" && c.targetPhase === data.phase));
    if (waitingOn?.kind === "budget") {
      refuse(new AppError("gate_closed", budgetWaitMessage(run.id, waitingOn.id)), { type: "run.gate_refused", runId: run.id, projectId: run.projectId, meta: { reason: "budget", from: run.phase, to: data.phase, checkpointId: waitingOn.id } });
    }
    if (waitingOn) refuse(new AppError("conflict", `checkpoint ${waitingOn.id} is pending a decision; wait for it with get_checkpoint before changing phase`));

    const refused = (reason: string, meta: Record<string, string | number | null> = {}): EventInput =>
      ({ type: "run.gate_refused", runId: run.id, projectId: run.projectId, meta: { reason, from: run.phase, to: data.phase, ...meta } });
    const move = async (direction: "forward" | "back"): Promise<Output> => {
      await tx.runs.enterPhase(run.id, data.phase, now);
      await record({ type: "run.phase_advanced", runId: run.id, projectId: run.projectId, meta: { from: run.phase, to: data.phase, direction } });
      return { run_id: run.id, status: "active", phase: data.phase, checkpoint_id: null, message: `the run is now in phase '${data.phase}'` };
    };

    if (to < from) return move("back");

    if (to > from + 1) {
      const skipped = phases.slice(from + 1, to);
      const gated = skipped.filter((p) => p.gate).map((p) => p.name);
      const error = new AppError("gate_closed", `phase '${data.phase}' is not next: the run is in '${run.phase}'; phases run in order (${names.join(" → ")}), so advance to '${names[from + 1]}' first`);
      const event = refused("skip", { skipped: skipped.length });
      if (gated.length === 0) refuse(error, event);
      // Skipping a gate is drift: its signal outlives the refusal.
      refuseKeeping(error, async (keepTx, keepRecord) => {
        await recordDrift(keepTx, keepRecord, ctx, run, "gate_skip", { from: run.phase, to: data.phase, gates: gated.join(",") });
      }, event);
    }

    const exit = phases[from]!.exit;
    if (exit) {
      const kind = exit.requires.replace("passing_", "") as "build" | "test" | "lint";
      if (!(await tx.runs.passedSince(run.id, kind, run.phaseEnteredAt))) {
        refuse(
          new AppError("gate_closed", `phase '${run.phase}' cannot be left yet: it requires a passing ${kind} reported since entering it (call report_build with kind '${kind}' and exit_code 0, for example through railyard exec)`),
          refused("evidence", { requires: exit.requires }),
        );
      }
    }

    const gate = phases[to]!.gate;
    if (!gate) return move("forward");
    if (await tx.runs.gateApprovedSince(run.id, data.phase, run.phaseEnteredAt)) return move("forward");
    const who = `${ROLE_ARTICLE[gate.minRole] ?? gate.minRole} (not the run's owner)`;
    const existing = pending.find((c) => c.kind === "phase_gate" && c.targetPhase === data.phase);
    const ck = existing ?? (await insertCheckpoint(tx, record, ctx, run, { kind: "phase_gate", targetPhase: data.phase, reason: "phase_gate", summary: summary || null, requiredRole: gate.minRole }));
    return {
      run_id: run.id,
      status: "awaiting_approval",
      phase: run.phase,
      checkpoint_id: ck.id,
      message: `phase '${data.phase}' is gated: checkpoint ${ck.id} is pending approval by ${who}; wait with get_checkpoint (wait_seconds up to 25), then call advance_phase again`,
    };
  });
}
