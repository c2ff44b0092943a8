import type { ExitRequirement, PhaseDef } from "../runbook/schemas.ts";

/** What each exit requirement means, in the words an agent acts on (the code alone is opaque). */
export const EXIT_EVIDENCE: Readonly<Record<ExitRequirement, string>> = Object.freeze({
  passing_test: "a passing test: report_build with kind 'test' and exit_code 0, reported since the run entered this phase",
  passing_build: "a passing build: report_build with kind 'build' and exit_code 0, reported since the run entered this phase",
  passing_lint: "a passing lint: report_build with kind 'lint' and exit_code 0, reported since the run entered this phase",
});

/** The MCP view of a runbook phase. */
export function phaseView(p: PhaseDef): { name: string; gate_min_role: "lead" | "admin" | "owner" | null; exit_requires: ExitRequirement | null; exit_evidence: string | null } {
  const requires = p.exit?.requires ?? null;
  return { name: p.name, gate_min_role: p.gate?.minRole ?? null, exit_requires: requires, exit_evidence: requires ? EXIT_EVIDENCE[requires] : null };
}
