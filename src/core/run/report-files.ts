import type { z } from "zod";
import { newId } from "../../lib/ids.ts";
import { refuseWhileOverBudget } from "../budget/charge.ts";
import type { Ctx } from "../context.ts";
import { versionById } from "../runbook/read-runbook.ts";
import type { PhaseDef } from "../runbook/schemas.ts";
import { screenInput } from "../scan/screen-input.ts";
import { transact } from "../transact.ts";
import { parseInput } from "../validate.ts";
import { assertOpen, loadOwnRun, requireAgent } from "./access.ts";
import { recordDrift } from "./drift.ts";
import { MAX_PATH_LENGTH, ReportFilesInput, type ReportFilesOutput } from "./schemas.ts";
import { claimPaths } from "./claims.ts";
import { classify, manifestFor, recordViolations } from "./scope-check.ts";

/**
 * Records the files an agent read or changed, each classified against its scope manifest. Changes
 * reported in a gated phase do not fit it: a person approved the work as it was when the run
 * entered that phase, and rework means moving back first; they are recorded as phase_mismatch drift.
 * Changed paths inside the scope are claimed for the run; ones another active run holds are conflicts.
 */
export async function reportFiles({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<z.infer<typeof ReportFilesOutput>> {
  const actor = requireAgent(ctx);
  const data = parseInput(ReportFilesInput, input);
  // Paths pass the same scanner as every other string: a secret pasted as a file name is still a secret.
  const paths = [...new Set(await screenInput(ctx, data.paths.map((p, i) => ({ field: `paths.${i}`, value: p, max: MAX_PATH_LENGTH })), { runId: data.run_id }))];
  return transact(ctx, async (tx, record) => {
    const run = await loadOwnRun(tx, actor, data.run_id);
    assertOpen(run);
    const manifest = await manifestFor(tx, run.projectId, actor.role);
    const { files, violations } = classify(manifest, paths, data.action);
    // A run waiting on its budget is told so; the scope wall still records its violations (they outlive the refusal).
    await refuseWhileOverBudget(tx, run, "report_files", violations.length > 0 ? (keepTx, keepRecord) => recordViolations(keepTx, keepRecord, ctx, run, violations, "report_files") : undefined);
    const now = ctx.clock.now();
    for (const f of files) await tx.runs.insertFileReport({ id: newId("fr"), runId: run.id, action: data.action, path: f.path, access: f.access, createdAt: now });
    await recordViolations(tx, record, ctx, run, violations, "report_files");
    if (data.action !== "read" && ((await versionById(tx, run.runbookVersionId)).phases as PhaseDef[]).find((p) => p.name === run.phase)?.gate) {
      await recordDrift(tx, record, ctx, run, "phase_mismatch", { phase: run.phase, report: "report_files", action: data.action, paths: files.length });
    }
    // Changed paths inside the scope are claimed; reads claim nothing.
    const conflicts = data.action === "read" ? [] : await claimPaths(tx, record, ctx, run, manifest, files.filter((f) => f.access === "editable" || f.access === "unlisted").map((f) => f.path), data.action, "report_files");
    const counts = { editable: 0, read_only: 0, excluded: 0, unlisted: 0 };
    for (const f of files) counts[f.access]++;
    await record({ type: "files.reported", runId: run.id, projectId: run.projectId, meta: { action: data.action, ...counts, violations: violations.length } });
    return { run_id: run.id, files: files.map((f) => ({ path: f.shown, access: f.access })), violations: violations.map(({ rawPath: _raw, ...v }) => v), conflicts };
  });
}
