import type { PhaseDef } from "../runbook/schemas.ts";

/** The MCP view of a runbook phase. */
export function phaseView(p: PhaseDef): { name: string; gate_min_role: string | null; exit_requires: string | null } {
  return { name: p.name, gate_min_role: p.gate?.minRole ?? null, exit_requires: p.exit?.requires ?? null };
}
