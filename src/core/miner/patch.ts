// From a repeated pattern to a runbook patch against the runbook's current version (or a module's
// access for a role). Null when there is nothing left to change (already applied, phase gone).
import { loosenings } from "../runbook/loosening.ts";
import type { ExitRequirement, PhaseDef } from "../runbook/schemas.ts";
import type { AccessLevelName } from "./queries.ts";
import type { Pattern } from "./rules.ts";

export type Patch =
  | { target: "runbook"; phases: PhaseDef[]; changes: string[]; weakening: boolean }
  | { target: "module_access"; module: string; role: string; from: AccessLevelName; to: AccessLevelName; changes: string[]; weakening: true };

const exitFor = (buildKind: string): ExitRequirement | null =>
  buildKind === "test" || buildKind === "build" || buildKind === "lint" ? (`passing_${buildKind}` as ExitRequirement) : null;

/**
 * The patch each rule proposes:
 * - gate_evidence (runs keep trying to leave P without evidence R): the evidence moves to the next
 *   phase, where the runs actually produce it. Dropping it from P loosens P: four eyes.
 * - drift_phase (the same drift in phase P): a lead's gate on the phase after P; for repeated
 *   failing builds of one kind, that kind's passing report required to leave P.
 * - failing_build (runs enter Q with a failing build of kind K in the phase before): leaving the
 *   phase before Q requires a passing K.
 * - scope_exception (exceptions asked for module M by one role): M one step more open for that
 *   role (excluded → read_only, read_only → editable). Always a loosening: four eyes.
 */
export function patchFor(p: Pattern, current: { phases: readonly PhaseDef[] | null; moduleLevel: AccessLevelName | null }): Patch | null {
  const d = p.detail;
  if (p.rule === "scope_exception") {
    if (current.moduleLevel !== d.access) return null;
    const to: AccessLevelName = d.access === "excluded" ? "read_only" : "editable";
    return { target: "module_access", module: d.module!, role: d.role!, from: d.access as AccessLevelName, to, weakening: true, changes: [`module '${d.module}' becomes ${to} (was ${d.access}) for the ${d.role} role`] };
  }
  const before = current.phases;
  if (!before) return null;
  const phases = before.map((ph) => ({ ...ph }));
  const at = phases.findIndex((ph) => ph.name === d.phase);
  if (at < 0) return null;
  const changes: string[] = [];
  if (p.rule === "gate_evidence") {
    const next = phases[at + 1];
    if (phases[at]!.exit?.requires !== d.requires || !next) return null;
    phases[at] = { ...phases[at]!, exit: null };
    if (!next.exit) phases[at + 1] = { ...next, exit: { requires: d.requires as ExitRequirement } };
    else if (next.exit.requires !== d.requires) return null;
    changes.push(`exit evidence ${d.requires} moves from '${d.phase}' to '${next.name}'`);
  } else if (p.rule === "failing_build") {
    const prev = phases[at - 1];
    const requires = exitFor(d.buildKind ?? "");
    if (!prev || !requires || prev.exit) return null;
    phases[at - 1] = { ...prev, exit: { requires } };
    changes.push(`leaving '${prev.name}' (before '${d.phase}') requires ${requires}`);
  } else {
    const requires = d.kind === "repeated_build_failure" ? exitFor(d.buildKind ?? "") : null;
    if (requires) {
      if (phases[at]!.exit) return null;
      phases[at] = { ...phases[at]!, exit: { requires } };
      changes.push(`leaving '${d.phase}' requires ${requires}`);
    } else {
      const next = phases[at + 1];
      if (!next || next.gate) return null;
      phases[at + 1] = { ...next, gate: { minRole: "lead" } };
      changes.push(`entering '${next.name}' needs a lead's approval (gate added)`);
    }
  }
  const loose = loosenings(before, phases);
  return { target: "runbook", phases, changes, weakening: loose.length > 0 };
}
