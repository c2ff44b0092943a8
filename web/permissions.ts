// The role × capability matrix as the web app needs it to hide actions a role lacks. The server
// enforces the same matrix (src/core/roles.ts); a test checks the two are equal.
import type { Capability, Role } from "../src/core/roles.ts";

export const WEB_PERMISSIONS: Readonly<Record<Capability, readonly Role[]>> = {
  "settings.manage": ["owner"],
  "ownership.transfer": ["owner"],
  "users.manage": ["owner", "admin"],
  "projects.manage": ["owner", "admin"],
  "runbooks.edit": ["owner", "admin", "lead"],
  "checkpoints.decide": ["owner", "admin", "lead"],
  "keys.own": ["owner", "admin", "lead", "developer"],
  "keys.revoke_others": ["owner", "admin"],
  "runs.view": ["owner", "admin", "lead", "developer", "auditor"],
  "runs.view_unmasked": ["owner", "admin", "lead"],
  "audit.read_all": ["owner", "admin", "auditor"],
  "audit.read_project": ["lead"],
  "audit.read_own": ["developer"],
  "audit.verify": ["owner", "admin", "lead", "developer", "auditor"],
  "audit.export": ["owner", "auditor"],
};

export const ROLE_LIST: readonly Role[] = ["owner", "admin", "lead", "developer", "auditor"];
const RANK: Record<Role, number> = { owner: 4, admin: 3, lead: 2, developer: 1, auditor: 0 };

export function allowed(role: Role, capability: Capability): boolean {
  return WEB_PERMISSIONS[capability].includes(role);
}

/** Roles a user of `role` may grant (never above their own). */
export function grantable(role: Role): Role[] {
  return ROLE_LIST.filter((r) => RANK[r] <= RANK[role]);
}
