import { ROLE_RANK } from "../roles.ts";
import type { PhaseDef } from "./schemas.ts";

/**
 * How `after` loosens the process `before` describes (DESIGN §13), one line each: a gate removed or
 * its approver role lowered, exit evidence dropped or replaced, a gated or evidence-requiring phase
 * removed (a rename counts as a removal). Empty when the change is neutral or tightening, which
 * applies at once; anything else waits for a second person.
 */
export function loosenings(before: readonly PhaseDef[], after: readonly PhaseDef[]): string[] {
  const next = new Map(after.map((p) => [p.name, p]));
  const out: string[] = [];
  for (const old of before) {
    const now = next.get(old.name);
    if (!now) {
      if (old.gate) out.push(`phase '${old.name}' (gated: ${old.gate.minRole}) removed`);
      else if (old.exit) out.push(`phase '${old.name}' (exit evidence: ${old.exit.requires}) removed`);
      continue;
    }
    if (old.gate && !now.gate) out.push(`gate on '${old.name}' removed`);
    else if (old.gate && now.gate && ROLE_RANK[now.gate.minRole] < ROLE_RANK[old.gate.minRole]) out.push(`gate on '${old.name}' lowered from ${old.gate.minRole} to ${now.gate.minRole}`);
    if (old.exit && now.exit?.requires !== old.exit.requires) out.push(now.exit ? `exit evidence of '${old.name}' changed from ${old.exit.requires} to ${now.exit.requires}` : `exit evidence of '${old.name}' (${old.exit.requires}) dropped`);
  }
  return out;
}
