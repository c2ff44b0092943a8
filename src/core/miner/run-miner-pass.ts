import { newId } from "../../lib/ids.ts";
import { DAY } from "../../lib/time.ts";
import type { Ctx } from "../context.ts";
import type { ModuleWithAccess } from "../project/queries.ts";
import type { Role } from "../roles.ts";
import type { PhaseDef } from "../runbook/schemas.ts";
import { globMatches } from "../scope/glob.ts";
import { getSettings } from "../setting/get-settings.ts";
import { transact } from "../transact.ts";
import { patchFor, type Patch } from "./patch.ts";
import type { MinedRunRow, ProposalRow } from "./queries.ts";
import { findPatterns, MINED_TYPES, repeated, type Pattern } from "./rules.ts";

export interface MinerPassResult {
  /** Patterns that repeated across enough runs and people in the window. */
  found: number;
  /** Proposals this pass created (a pattern already proposed, applied or muted is not proposed again). */
  proposed: string[];
  windowDays: number;
}

/** Most runs an evidence list names (the counts are always complete). */
const EVIDENCE_RUNS = 50;

/**
 * One pass of the ritual miner: reads the audit trail of the window (owner settings), finds the
 * rules' patterns that repeated across at least N runs of at least M people, and writes a proposal
 * for each whose patch still changes something and that is not already open or muted. Reading
 * happens outside the write; the write re-checks each pattern, so two passes never propose one twice.
 */
export async function runMinerPass(ctx: Ctx): Promise<MinerPassResult> {
  const q = ctx.store.read;
  const settings = await getSettings(q);
  const now = ctx.clock.now();
  const since = now - settings.minerWindowDays * DAY;
  const events = await q.miner.eventsSince(MINED_TYPES, since);
  const runIds = [...new Set(events.map((e) => e.runId!))];
  const runs = new Map<string, MinedRunRow>((await q.miner.runs(runIds)).map((r) => [r.id, r]));
  const violationIds = events.filter((e) => e.type === "scope.violation" && e.subject).map((e) => e.subject!);
  const violationPaths = new Map((await q.miner.driftPaths(violationIds)).map((d) => [d.id, d.path]));
  const modules = new Map<string, ModuleWithAccess[]>();
  for (const projectId of new Set([...runs.values()].map((r) => r.projectId))) modules.set(projectId, await q.projects.modulesWithAccess(projectId));
  const moduleOf = (projectId: string, path: string) => modules.get(projectId)?.find((m) => m.globs.some((g) => globMatches(g, path)))?.name ?? null;

  const patterns = findPatterns({ events, phaseMoves: await q.miner.phaseMoves(runIds), runs, violationPaths, moduleOf });
  const candidates: { pattern: Pattern; runs: string[]; people: number }[] = [];
  for (const pattern of patterns) {
    const hit = repeated(pattern, { runs: settings.minerRuns, people: settings.minerPeople });
    if (hit) candidates.push({ pattern, ...hit });
  }

  return transact(ctx, async (tx, record) => {
    const proposed: string[] = [];
    for (const { pattern, runs: hitRuns, people } of candidates) {
      if (await tx.miner.blocking(pattern.key, now)) continue;
      const latest = pattern.runbookId ? await tx.runbooks.latestVersion(pattern.runbookId) : undefined;
      const module = pattern.rule === "scope_exception" ? (await tx.projects.modulesWithAccess(pattern.projectId!)).find((m) => m.name === pattern.detail.module) : undefined;
      const patch: Patch | null = patchFor(pattern, {
        phases: (latest?.phases as PhaseDef[] | undefined) ?? null,
        moduleLevel: module ? (module.access[pattern.detail.role as Role] ?? "editable") : null,
      });
      if (!patch) continue;
      const at = pattern.occurrences.map((o) => o.at);
      const row: ProposalRow = {
        id: newId("rbp"), pattern: pattern.key, rule: pattern.rule, runbookId: pattern.runbookId, projectId: pattern.projectId, target: patch.target,
        baseVersionId: latest?.id ?? null, phases: patch.target === "runbook" ? patch.phases : null,
        module: patch.target === "module_access" ? patch.module : null, role: patch.target === "module_access" ? (patch.role as Role) : null,
        fromLevel: patch.target === "module_access" ? patch.from : null, toLevel: patch.target === "module_access" ? patch.to : null,
        changes: patch.changes, weakening: patch.weakening,
        evidence: {
          runs: hitRuns.slice(0, EVIDENCE_RUNS), runCount: hitRuns.length, people, occurrences: pattern.occurrences.length,
          firstSeen: Math.min(...at), lastSeen: Math.max(...at), detail: pattern.detail,
          windowDays: settings.minerWindowDays, minRuns: settings.minerRuns, minPeople: settings.minerPeople,
        },
        status: "open", createdAt: now, firstApprovedBy: null, decidedBy: null, decidedAt: null, decisionReason: null, mutedUntil: null, versionId: null,
      };
      await tx.miner.insertProposal(row);
      await record({
        type: "runbook_proposal.created", projectId: pattern.projectId, subject: row.id,
        meta: { rule: pattern.rule, target: patch.target, runs: hitRuns.length, people, occurrences: pattern.occurrences.length, weakening: patch.weakening },
      });
      proposed.push(row.id);
    }
    await record({ type: "miner.pass_completed", meta: { patterns: patterns.length, found: candidates.length, proposed: proposed.length, windowDays: settings.minerWindowDays } });
    return { found: candidates.length, proposed, windowDays: settings.minerWindowDays };
  });
}
