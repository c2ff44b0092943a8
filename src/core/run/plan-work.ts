import { eq, sql } from "drizzle-orm";
import type { z } from "zod";
import { workUnits } from "../../db/schema/index.ts";
import { newId } from "../../lib/ids.ts";
import type { Ctx } from "../context.ts";
import { screenInput } from "../scan/screen-input.ts";
import { transact } from "../transact.ts";
import { parseInput } from "../validate.ts";
import { assertOpen, loadOwnRun, requireAgent } from "./access.ts";
import { MAX_PATH_LENGTH, PlanWorkInput, type PlanWorkOutput } from "./schemas.ts";
import { classify, manifestFor, recordViolations } from "./scope-check.ts";

/** Adds planned work units to a run; paths outside the editable scope are violations (recorded). */
export function planWork({ ctx, input }: { ctx: Ctx; input: unknown }): z.infer<typeof PlanWorkOutput> {
  const actor = requireAgent(ctx);
  const data = parseInput(PlanWorkInput, input);
  // Titles and paths alike pass the scanner; under the redact policy the stored values are redacted.
  const screened = screenInput(ctx, data.units.flatMap((u, i) => [
    { field: `units.${i}.title`, value: u.title, max: 200 },
    ...u.paths.map((p, j) => ({ field: `units.${i}.paths.${j}`, value: p, max: MAX_PATH_LENGTH })),
  ]), { runId: data.run_id });
  let cursor = 0;
  const planned = data.units.map((u) => {
    const title = screened[cursor++]!;
    const paths = u.paths.map(() => screened[cursor++]!);
    return { title, paths: [...new Set(paths)] };
  });
  return transact(ctx, (tx, record) => {
    const run = loadOwnRun(tx, actor, data.run_id);
    assertOpen(run);
    const manifest = manifestFor(tx, run.projectId, actor.role);
    const now = ctx.clock.now();
    const position = tx.select({ n: sql<number>`coalesce(max(${workUnits.position}), -1)` }).from(workUnits).where(eq(workUnits.runId, run.id)).get()?.n ?? -1;
    const units = planned.map((u, i) => ({ id: newId("wu"), runId: run.id, position: position + 1 + i, title: u.title, paths: u.paths, status: "planned" as const, note: null, createdAt: now, updatedAt: now }));
    tx.insert(workUnits).values(units).run();
    const { violations } = classify(manifest, [...new Set(planned.flatMap((u) => u.paths))], "plan");
    recordViolations(tx, record, ctx, run, violations, "plan_work");
    record({ type: "work_unit.planned", runId: run.id, projectId: run.projectId, meta: { units: units.length, paths: units.reduce((n, u) => n + u.paths.length, 0), violations: violations.length } });
    return {
      run_id: run.id,
      units: units.map((u) => ({ unit_id: u.id, title: u.title, status: u.status })),
      violations: violations.map(({ rawPath: _raw, ...v }) => v),
    };
  });
}
