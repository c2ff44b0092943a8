import type { z } from "zod";
import type { EventType } from "../audit/registry.ts";
import type { Ctx } from "../context.ts";
import { AppError, notFound } from "../errors.ts";
import { screenInput } from "../scan/screen-input.ts";
import { refuse, transact } from "../transact.ts";
import { parseInput } from "../validate.ts";
import { assertOpen, loadOwnRun, requireAgent } from "./access.ts";
import { MAX_PATH_LENGTH, UpdateWorkUnitInput, type UnitStatus, type UpdateWorkUnitOutput } from "./schemas.ts";
import { claimPaths } from "./claims.ts";
import { classify, manifestFor, recordViolations } from "./scope-check.ts";

/** The work-unit lifecycle: planned → in_progress → done, or failed / skipped / blocked. */
export const UNIT_TRANSITIONS: Readonly<Record<UnitStatus, readonly UnitStatus[]>> = Object.freeze({
  planned: ["in_progress", "skipped", "blocked"],
  in_progress: ["done", "failed", "skipped", "blocked"],
  blocked: ["in_progress", "failed", "skipped"],
  done: [],
  failed: [],
  skipped: [],
});

const EVENT_OF: Partial<Record<UnitStatus, EventType>> = {
  in_progress: "work_unit.started",
  done: "work_unit.done",
  failed: "work_unit.failed",
  skipped: "work_unit.skipped",
  blocked: "work_unit.blocked",
};

const MAX_UNIT_PATHS = 50;

/**
 * Moves a work unit along its lifecycle (repeating the current status is an idempotent no-op),
 * optionally with a note (replacing the last) and more paths (added, and claimed for the run);
 * paths outside the editable scope are violations.
 */
export async function updateWorkUnit({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<z.infer<typeof UpdateWorkUnitOutput>> {
  const actor = requireAgent(ctx);
  const data = parseInput(UpdateWorkUnitInput, input);
  const [note, ...screenedPaths] = await screenInput(ctx, [
    { field: "note", value: data.note ?? "", max: 500 },
    ...(data.paths ?? []).map((p, i) => ({ field: `paths.${i}`, value: p, max: MAX_PATH_LENGTH })),
  ], { runId: data.run_id });
  // A refusal commits nothing: no event records a refused transition, and the violations of a refused call are not recorded.
  return transact(ctx, async (tx, record) => {
    const run = await loadOwnRun(tx, actor, data.run_id);
    assertOpen(run);
    const unit = await tx.runs.unit(run.id, data.unit_id);
    if (!unit) refuse(notFound(`work unit '${data.unit_id}' in run ${run.id}`));
    const from = unit.status;
    if (from !== data.status && !UNIT_TRANSITIONS[from].includes(data.status)) {
      const allowed = UNIT_TRANSITIONS[from];
      refuse(new AppError("conflict", `work unit ${unit.id} is ${from}; it cannot become ${data.status}` + (allowed.length ? ` (allowed next: ${allowed.join(", ")})` : " (it is finished; plan a new unit with plan_work)")));
    }
    const paths = [...new Set(screenedPaths)];
    const manifest = await manifestFor(tx, run.projectId, actor.role);
    const { violations } = classify(manifest, paths, "plan");
    const merged = [...new Set([...unit.paths, ...paths])];
    if (merged.length > MAX_UNIT_PATHS) refuse(new AppError("invalid", `paths: a work unit holds at most ${MAX_UNIT_PATHS} paths (it would have ${merged.length}); plan another unit`, { fields: ["paths"] }));
    await recordViolations(tx, record, ctx, run, violations, "update_work_unit");
    const changed = from !== data.status || note !== "" || merged.length !== unit.paths.length;
    if (changed) {
      await tx.runs.updateUnit(unit.id, { status: data.status, note: note ? note : unit.note, paths: merged, updatedAt: ctx.clock.now() });
    }
    const outside = new Set(violations.map((v) => v.rawPath));
    const conflicts = await claimPaths(tx, record, ctx, run, manifest, paths.filter((p) => !outside.has(p)), "plan", "update_work_unit");
    const type = from !== data.status ? EVENT_OF[data.status] : undefined;
    if (type) await record({ type, runId: run.id, projectId: run.projectId, subject: unit.id, meta: { from, to: data.status, paths: paths.length } });
    return { unit_id: unit.id, status: data.status, previous_status: from, violations: violations.map(({ rawPath: _raw, ...v }) => v), conflicts };
  });
}
