import type { z } from "zod";
import { newId } from "../../lib/ids.ts";
import type { Ctx } from "../context.ts";
import { screenInput } from "../scan/screen-input.ts";
import { transact } from "../transact.ts";
import { parseInput } from "../validate.ts";
import { assertOpen, loadOwnRun, requireAgent } from "./access.ts";
import type { WorkUnitRow } from "./queries.ts";
import { MAX_PATH_LENGTH, PlanWorkInput, type PlanWorkOutput } from "./schemas.ts";
import { claimPaths } from "./claims.ts";
import { classify, manifestFor, recordViolations } from "./scope-check.ts";

/** Same title and the same set of paths: the unit a repeated plan means. */
const sameUnit = (unit: { title: string; paths: readonly string[] }, title: string, paths: readonly string[]): boolean =>
  unit.title === title && unit.paths.length === paths.length && paths.every((p) => unit.paths.includes(p));

/**
 * Adds planned work units to a run; paths outside the editable scope are violations (recorded and
 * returned, the units are stored all the same). Idempotent: a unit with the same title and paths
 * that is still open in the run (planned, in progress or blocked) is returned, not planned again; a
 * finished unit is not reused, so planning it anew (the way to redo one) creates a new unit.
 * Planned paths inside the scope are claimed for the run; ones another active run holds are conflicts.
 */
export async function planWork({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<z.infer<typeof PlanWorkOutput>> {
  const actor = requireAgent(ctx);
  const data = parseInput(PlanWorkInput, input);
  // Titles and paths alike pass the scanner; under the redact policy the stored values are redacted.
  const screened = await screenInput(ctx, data.units.flatMap((u, i) => [
    { field: `units.${i}.title`, value: u.title, max: 200 },
    ...u.paths.map((p, j) => ({ field: `units.${i}.paths.${j}`, value: p, max: MAX_PATH_LENGTH })),
  ]), { runId: data.run_id });
  let cursor = 0;
  const planned = data.units.map((u) => {
    const title = screened[cursor++]!;
    const paths = u.paths.map(() => screened[cursor++]!);
    return { title, paths: [...new Set(paths)] };
  });
  return transact(ctx, async (tx, record) => {
    const run = await loadOwnRun(tx, actor, data.run_id);
    assertOpen(run);
    const manifest = await manifestFor(tx, run.projectId, actor.role);
    const now = ctx.clock.now();
    const open: Pick<WorkUnitRow, "id" | "title" | "paths" | "status">[] = await tx.runs.openUnits(run.id);
    let position = await tx.runs.lastPosition(run.id);
    const units: Pick<WorkUnitRow, "id" | "title" | "paths" | "status">[] = [];
    const added: WorkUnitRow[] = [];
    for (const u of planned) {
      const existing = open.find((o) => sameUnit(o, u.title, u.paths));
      if (existing) {
        units.push(existing);
        continue;
      }
      const row: WorkUnitRow = { id: newId("wu"), runId: run.id, position: ++position, title: u.title, paths: u.paths, status: "planned", note: null, createdAt: now, updatedAt: now };
      await tx.runs.insertUnit(row);
      open.push(row);
      added.push(row);
      units.push(row);
    }
    const allPaths = [...new Set(planned.flatMap((u) => u.paths))];
    const { violations } = classify(manifest, allPaths, "plan");
    if (added.length > 0) {
      // Only the newly planned paths are recorded: a repeated call's violations were recorded the first time.
      const { violations: fresh } = classify(manifest, [...new Set(added.flatMap((u) => u.paths))], "plan");
      await recordViolations(tx, record, ctx, run, fresh, "plan_work");
      await record({ type: "work_unit.planned", runId: run.id, projectId: run.projectId, meta: { units: added.length, paths: added.reduce((n, u) => n + u.paths.length, 0), violations: fresh.length } });
    }
    // Paths outside the scope are not claimed: the run must not change them, and others may.
    const outside = new Set(violations.map((v) => v.rawPath));
    const conflicts = await claimPaths(tx, record, ctx, run, manifest, allPaths.filter((p) => !outside.has(p)), "plan", "plan_work");
    return {
      run_id: run.id,
      conflicts,
      units: units.map((u) => ({ unit_id: u.id, title: u.title, status: u.status })),
      violations: violations.map(({ rawPath: _raw, ...v }) => v),
    };
  });
}
