// The ritual miner's rules (DESIGN §13): pure functions from a window of the audit trail to
// patterns, each with the runs and people it repeated across. Offline: no I/O, no model.
import type { Role } from "../roles.ts";
import type { MinedEventRow, MinedRunRow, ProposalRule } from "./queries.ts";

/** The event types the rules read. */
export const MINED_TYPES = ["run.gate_refused", "drift.detected", "checkpoint.requested", "build.reported", "run.phase_advanced", "scope.violation"] as const;

export interface Occurrence {
  runId: string;
  userId: string;
  at: number;
}

/** One pattern: what repeated, where, and its occurrences. */
export interface Pattern {
  key: string;
  rule: ProposalRule;
  runbookId: string | null;
  projectId: string | null;
  /** gate_evidence: phase, requires; drift_phase: phase, kind, buildKind?; failing_build: phase (entered), buildKind; scope_exception: module, role, access. */
  detail: Record<string, string>;
  occurrences: Occurrence[];
}

/** What the scope-exception rule needs to know about modules: the module of a path for a project. */
export type ModuleOf = (projectId: string, path: string) => string | null;

interface Facts {
  events: readonly MinedEventRow[];
  phaseMoves: readonly MinedEventRow[];
  runs: ReadonlyMap<string, MinedRunRow>;
  /** Paths of scope-violation drift signals, by id. */
  violationPaths: ReadonlyMap<string, string | null>;
  moduleOf: ModuleOf;
}

const meta = (e: MinedEventRow): Record<string, unknown> => {
  try {
    return JSON.parse(e.meta) as Record<string, unknown>;
  } catch {
    return {};
  }
};
const text = (v: unknown): string | null => (typeof v === "string" && v.length > 0 && v.length <= 100 ? v : null);

/** Finds every pattern of the four rules in a window's events (not yet filtered by the thresholds). */
export function findPatterns(f: Facts): Pattern[] {
  const patterns = new Map<string, Pattern>();
  const add = (key: string, rule: ProposalRule, run: MinedRunRow, scope: "runbook" | "project", detail: Record<string, string>, at: number) => {
    let p = patterns.get(key);
    if (!p) {
      p = { key, rule, runbookId: scope === "runbook" ? run.runbookId : null, projectId: scope === "project" ? run.projectId : run.projectId, detail, occurrences: [] };
      patterns.set(key, p);
    }
    p.occurrences.push({ runId: run.id, userId: run.ownerUserId, at });
  };

  // Each run's phase at any point: its version's first phase, then each move's target.
  const moves = new Map<string, { seq: number; to: string }[]>();
  for (const m of f.phaseMoves) {
    const to = text(meta(m).to);
    if (m.runId && to) (moves.get(m.runId) ?? moves.set(m.runId, []).get(m.runId)!).push({ seq: m.seq, to });
  }
  const phaseAt = (run: MinedRunRow, seq: number): string | null => {
    let phase = (run.phases as { name: string }[] | null)?.[0]?.name ?? null;
    for (const m of moves.get(run.id) ?? []) if (m.seq < seq) phase = m.to;
    return phase;
  };

  // Failing build kinds per run in its current stay in a phase (reset by every move).
  const failing = new Map<string, Set<string>>();
  // Scope violations per run so far (their drift ids), for the exceptions they lead to.
  const violations = new Map<string, { driftId: string; access: string }[]>();

  for (const e of f.events) {
    const run = e.runId ? f.runs.get(e.runId) : undefined;
    if (!run) continue;
    const m = meta(e);
    switch (e.type) {
      case "run.gate_refused": {
        const from = text(m.from);
        const requires = text(m.requires);
        if (m.reason === "evidence" && from && requires) add(`gate_evidence:${run.runbookId}:${from}:${requires}`, "gate_evidence", run, "runbook", { phase: from, requires }, e.at);
        break;
      }
      case "drift.detected": {
        const kind = text(m.kind);
        const phase = phaseAt(run, e.seq);
        if (!kind || !phase) break;
        const buildKind = kind === "repeated_build_failure" ? text(m.build_kind) : null;
        add(`drift_phase:${run.runbookId}:${phase}:${kind}${buildKind ? `:${buildKind}` : ""}`, "drift_phase", run, "runbook", { phase, kind, ...(buildKind ? { buildKind } : {}) }, e.at);
        break;
      }
      case "build.reported": {
        const kind = text(m.kind);
        if (kind && typeof m.exitCode === "number" && m.exitCode !== 0) (failing.get(run.id) ?? failing.set(run.id, new Set()).get(run.id)!).add(kind);
        break;
      }
      case "run.phase_advanced": {
        const to = text(m.to);
        if (m.direction === "forward" && to) {
          for (const kind of failing.get(run.id) ?? []) add(`failing_build:${run.runbookId}:${to}:${kind}`, "failing_build", run, "runbook", { phase: to, buildKind: kind }, e.at);
        }
        failing.delete(run.id);
        break;
      }
      case "scope.violation": {
        const access = text(m.access);
        if (e.subject && (access === "read_only" || access === "excluded")) (violations.get(run.id) ?? violations.set(run.id, []).get(run.id)!).push({ driftId: e.subject, access });
        break;
      }
      case "checkpoint.requested": {
        if (m.reason !== "scope_exception") break;
        // The exception is for the modules the run's violations so far were in (once each).
        const seen = new Set<string>();
        for (const v of violations.get(run.id) ?? []) {
          const path = f.violationPaths.get(v.driftId);
          const module = path ? f.moduleOf(run.projectId, path) : null;
          if (!module || seen.has(`${module}:${v.access}`)) continue;
          seen.add(`${module}:${v.access}`);
          const role: Role = run.ownerRole;
          add(`scope_exception:${run.projectId}:${module}:${role}:${v.access}`, "scope_exception", run, "project", { module, role, access: v.access }, e.at);
        }
        break;
      }
    }
  }
  return [...patterns.values()];
}

/** The thresholds: a pattern counts when it repeated across at least `runs` runs of at least `people` people. */
export function repeated(p: Pattern, thresholds: { runs: number; people: number }): { runs: string[]; people: number } | null {
  const runs = [...new Set(p.occurrences.map((o) => o.runId))];
  const people = new Set(p.occurrences.map((o) => o.userId)).size;
  return runs.length >= thresholds.runs && people >= thresholds.people ? { runs, people } : null;
}
