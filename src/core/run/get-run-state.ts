import type { z } from "zod";
import type { Ctx } from "../context.ts";
import { AppError } from "../errors.ts";
import type { PhaseDef } from "../runbook/schemas.ts";
import { maskPath, maskText } from "../scope/manifest.ts";
import { parseInput } from "../validate.ts";
import { isoTime, loadOwnRun, requireAgent } from "./access.ts";
import { CLAIM_LIST_LIMIT, liveConflicts } from "./claims.ts";
import { EXIT_EVIDENCE, phaseView } from "./phases.ts";
import type { RunRow } from "./queries.ts";
import { FINISHED_STATUSES, GetRunStateInput, type GetRunStateOutput } from "./schemas.ts";
import { manifestFor } from "./scope-check.ts";

type Output = z.infer<typeof GetRunStateOutput>;
type State = NonNullable<Output["run"]>;

const OPEN_RUNS = 50;
const UNITS = 200;
const ROLE_ARTICLE: Record<string, string> = { lead: "a lead", admin: "an admin", owner: "the owner" };

/** Where advance_phase may go from the run's phase, and what each move still needs. */
function nextPhases(run: RunRow, phases: readonly PhaseDef[], evidenceMet: boolean, pending: readonly { id: string; kind: string; targetPhase: string | null }[]): State["next_phases"] {
  if (FINISHED_STATUSES.includes(run.status)) return [];
  const at = phases.findIndex((p) => p.name === run.phase);
  const blocker = (target: string) => pending.find((c) => !(c.kind === "phase_gate" && c.targetPhase === target));
  const out: State["next_phases"] = [];
  const next = phases[at + 1];
  if (next) {
    const needs: string[] = [];
    const exit = phases[at]!.exit;
    if (exit && !evidenceMet) needs.push(EXIT_EVIDENCE[exit.requires]);
    if (next.gate) needs.push(`the approval of ${ROLE_ARTICLE[next.gate.minRole] ?? next.gate.minRole} (not the run's owner): advance_phase creates the checkpoint`);
    const waiting = blocker(next.name);
    if (waiting) needs.unshift(`a decision on checkpoint ${waiting.id}`);
    out.push({ phase: next.name, direction: "forward", needs: needs.length ? needs.join("; then ").slice(0, 500) : null });
  }
  for (let i = at - 1; i >= 0; i--) {
    const waiting = blocker(phases[i]!.name);
    out.push({ phase: phases[i]!.name, direction: "back", needs: waiting ? `a decision on checkpoint ${waiting.id}` : null });
  }
  return out;
}

function nextStep(run: RunRow, pending: readonly { id: string }[], next: State["next_phases"]): string {
  if (FINISHED_STATUSES.includes(run.status)) return `the run is ${run.status}; start a new run with start_run`;
  if (pending.length > 0) return `checkpoint ${pending[0]!.id} is pending: wait for it with get_checkpoint (wait_seconds up to 25)`;
  const forward = next.find((n) => n.direction === "forward");
  if (!forward) return `the run is in its last phase '${run.phase}': finish it with finish_run`;
  return forward.needs ? `to enter '${forward.phase}' the run needs ${forward.needs}` : `continue the work of '${run.phase}', then advance_phase to '${forward.phase}'`;
}

/**
 * For an agent that lost its context: without a run id, the caller's open runs; with one, that run's
 * state (phase, status, units, pending checkpoints, claims and conflicts, the phases it may move to).
 * Only the caller's own runs; paths and free text are masked for the caller's role. Reads only.
 */
export async function getRunState({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<Output> {
  const actor = requireAgent(ctx);
  const data = parseInput(GetRunStateInput, input);
  const q = ctx.store.read;
  if (data.run_id === undefined) {
    const open = await q.runs.openRunsOf(actor.userId, OPEN_RUNS);
    const manifests = new Map<string, Awaited<ReturnType<typeof manifestFor>>>();
    for (const { run } of open) if (!manifests.has(run.projectId)) manifests.set(run.projectId, await manifestFor(q, run.projectId, actor.role));
    return {
      run: null,
      runs: open.map(({ run, slug, pendingCheckpoints }) => {
        const m = manifests.get(run.projectId)!;
        return {
          run_id: run.id, title: maskText(m, run.title), project: slug, phase: run.phase, status: run.status, branch: maskText(m, run.branch),
          pending_checkpoints: pendingCheckpoints, updated_at: isoTime(run.updatedAt),
        };
      }),
    };
  }
  const run = await loadOwnRun(q, actor, data.run_id);
  const [listed, version, manifest] = await Promise.all([q.runs.listed(run.id), q.runs.version(run.runbookVersionId), manifestFor(q, run.projectId, actor.role)]);
  if (!listed || !version) throw new AppError("internal", "run refers to a missing project or runbook version");
  const phases = version.phases as PhaseDef[];
  const current = phases.find((p) => p.name === run.phase);
  const [units, pending, claims, conflicts, evidenceMet] = await Promise.all([
    q.runs.units(run.id, UNITS),
    q.runs.pendingCheckpoints(run.id),
    q.runs.claimsOf(run.id, CLAIM_LIST_LIMIT),
    liveConflicts(q, ctx.clock.now(), manifest, run),
    current?.exit ? q.runs.passedSince(run.id, current.exit.requires.replace("passing_", "") as "build" | "test" | "lint", run.phaseEnteredAt) : Promise.resolve(true),
  ]);
  const next = nextPhases(run, phases, evidenceMet, pending);
  const text = <T extends string | null>(value: T): T => maskText(manifest, value);
  return {
    runs: [],
    run: {
      run_id: run.id, project: listed.slug, title: text(run.title), ticket: text(run.ticket), branch: text(run.branch), status: run.status, phase: run.phase,
      phase_entered_at: isoTime(run.phaseEnteredAt),
      runbook: { name: version.runbookName, version: version.version, phases: phases.map(phaseView) },
      next_phases: next,
      units: units.map((u) => ({ unit_id: u.id, title: text(u.title), status: u.status, paths: [...new Set(u.paths.map((p) => maskPath(manifest, p)))] })),
      pending_checkpoints: pending.map((c) => ({ checkpoint_id: c.id, kind: c.kind, target_phase: c.targetPhase, reason: c.reason, required_role: c.requiredRole, expires_at: isoTime(c.expiresAt) })),
      claims: claims.filter((c) => c.endedAt === null).map((c) => ({ path: maskPath(manifest, c.path), run_id: c.runId, source: c.source, since: isoTime(c.claimedAt) })),
      conflicts,
      message: nextStep(run, pending, next),
    },
  };
}
