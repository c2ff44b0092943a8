import type { z } from "zod";
import { newId } from "../../lib/ids.ts";
import type { Ctx } from "../context.ts";
import { relevantNotes } from "../knowledge/relevant-notes.ts";
import { runbookForProject } from "../runbook/read-runbook.ts";
import type { PhaseDef } from "../runbook/schemas.ts";
import { screenInput } from "../scan/screen-input.ts";
import { transact } from "../transact.ts";
import { parseInput } from "../validate.ts";
import { projectBySlug, requireAgent } from "./access.ts";
import { phaseView } from "./phases.ts";
import { StartRunInput, type StartRunOutput } from "./schemas.ts";
import { manifestFor, scopeView } from "./scope-check.ts";
import { maskText } from "../scope/manifest.ts";
import type { RunListRow } from "./queries.ts";

/** How many of the caller's open runs are compared with a new one. */
const OPEN_RUNS_CHECKED = 50;

/** A warning per open run of the caller on the project with the same title or branch (a lost run_id, a second session). */
function lookalikeWarnings(open: readonly RunListRow[], projectId: string, title: string, branch: string | null, mask: (t: string) => string): string[] {
  const warnings: string[] = [];
  for (const { run, slug } of open) {
    if (run.projectId !== projectId) continue;
    const same = [run.title === title ? "title" : null, branch !== null && run.branch === branch ? "branch" : null].filter((x) => x !== null);
    if (same.length === 0) continue;
    const text = `you already have an open run ${run.id} '${mask(run.title).slice(0, 120)}' on ${slug} (phase ${run.phase}, ${run.status}) with the same ${same.join(" and ")}; to continue it, call get_run with run_id ${run.id} and finish_run this new run with outcome cancelled`;
    warnings.push(text.slice(0, 500));
    if (warnings.length === 10) break;
  }
  return warnings;
}

/**
 * Starts a run for the key's user on a project, bound to the runbook's current version (later
 * edits do not move it). Returns the phases, the caller's scope manifest and relevant notes, and a
 * warning (not an error) naming each open run of the caller on the project with the same title or branch.
 */
export async function startRun({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<z.infer<typeof StartRunOutput>> {
  const actor = requireAgent(ctx);
  const data = parseInput(StartRunInput, input);
  const project = await projectBySlug(ctx.store.read, data.project);
  const [title, ticket, branch] = await screenInput(ctx, [
    { field: "title", value: data.title, max: 200 },
    { field: "ticket", value: data.ticket ?? "", max: 100 },
    { field: "branch", value: data.branch ?? "", max: 255 },
  ], { projectId: project.id });
  return transact(ctx, async (tx, record) => {
    const { runbook, version } = await runbookForProject(tx, project.id);
    const phases = version.phases as PhaseDef[];
    const manifest = await manifestFor(tx, project.id, actor.role);
    const open = await tx.runs.openRunsOf(actor.userId, OPEN_RUNS_CHECKED);
    const warnings = lookalikeWarnings(open, project.id, title!, branch || null, (t) => maskText(manifest, t));
    const now = ctx.clock.now();
    const id = newId("run");
    await tx.runs.insertRun({
      id, projectId: project.id, runbookVersionId: version.id, title: title!, ticket: ticket || null, ownerUserId: actor.userId, keyId: actor.keyId,
      status: "active", phase: phases[0]!.name, phaseEnteredAt: now, branch: branch || null, createdAt: now, updatedAt: now,
    });
    await record({ type: "run.started", runId: id, projectId: project.id, subject: id, meta: { runbookVersionId: version.id, version: version.version, phase: phases[0]!.name } });
    const scope = scopeView(manifest, project.slug);
    await record({ type: "scope.served", runId: id, projectId: project.id, meta: { editable: scope.editable.length, readOnly: scope.read_only.length, excluded: scope.excluded.length } });
    return {
      run_id: id,
      status: "active" as const,
      phase: phases[0]!.name,
      runbook: { id: runbook.id, name: runbook.name, version: version.version, phases: phases.map(phaseView) },
      scope,
      notes: await relevantNotes(tx, project.id, manifest),
      warnings,
    };
  });
}
