import type { Role } from "../roles.ts";
import type { DefaultSsoRole, RoleRule, VerifiedIdentity } from "./schemas.ts";

/** The values of one claim as lower-case strings (a string, a number or a list of them; anything else: none). */
function claimValues(claims: Readonly<Record<string, unknown>>, name: string): string[] {
  const raw = claims[name];
  const list = Array.isArray(raw) ? raw : raw === undefined || raw === null ? [] : [raw];
  return list.filter((v): v is string | number | boolean => ["string", "number", "boolean"].includes(typeof v)).map((v) => String(v).toLowerCase());
}

/**
 * The role of a sign-in: the first rule (in order) whose provider fits and whose claim contains its
 * value decides; when none matches, `defaultRole` (`none`: null, the sign-in is refused).
 * Returns the index of the deciding rule too (-1 for the default), for the audit trail.
 */
export function mapRole(identity: Pick<VerifiedIdentity, "provider" | "claims">, rules: readonly RoleRule[], defaultRole: DefaultSsoRole): { role: Role | null; rule: number } {
  for (const [i, rule] of rules.entries()) {
    if (rule.provider !== "any" && rule.provider !== identity.provider) continue;
    if (claimValues(identity.claims, rule.claim).includes(rule.value.toLowerCase())) return { role: rule.role, rule: i };
  }
  return { role: defaultRole === "none" ? null : defaultRole, rule: -1 };
}
