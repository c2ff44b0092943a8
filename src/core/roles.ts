/** The five roles, highest first, and the permission matrix of DESIGN.md section 4, as data. */
export const ROLES = ["owner", "admin", "lead", "developer", "auditor"] as const;
export type Role = (typeof ROLES)[number];

/**
 * Rank for "at least" comparisons and for "never grant above one's own". The auditor is a
 * read-only side role: it ranks lowest so nobody is held back from granting it.
 */
export const ROLE_RANK: Readonly<Record<Role, number>> = Object.freeze({ owner: 4, admin: 3, lead: 2, developer: 1, auditor: 0 });

export const CAPABILITIES = [
  "settings.manage",
  "ownership.transfer",
  "users.manage",
  "projects.manage",
  "runbooks.edit",
  "checkpoints.decide",
  "keys.own",
  "keys.revoke_others",
  "runs.view",
  "runs.view_unmasked",
  "audit.read_all",
  "audit.read_project",
  "audit.read_own",
  "audit.verify",
  "audit.export",
] as const;
export type Capability = (typeof CAPABILITIES)[number];

const ALL = ROLES;
export const PERMISSIONS: Readonly<Record<Capability, readonly Role[]>> = Object.freeze({
  "settings.manage": ["owner"],
  "ownership.transfer": ["owner"],
  "users.manage": ["owner", "admin"],
  "projects.manage": ["owner", "admin"],
  "runbooks.edit": ["owner", "admin", "lead"],
  "checkpoints.decide": ["owner", "admin", "lead"],
  "keys.own": ["owner", "admin", "lead", "developer"],
  "keys.revoke_others": ["owner", "admin"],
  "runs.view": ALL,
  "runs.view_unmasked": ["owner", "admin", "lead"],
  "audit.read_all": ["owner", "admin", "auditor"],
  "audit.read_project": ["lead"],
  "audit.read_own": ["developer"],
  "audit.verify": ["owner", "admin", "lead", "developer", "auditor"],
  "audit.export": ["owner", "auditor"],
});

export function isRole(value: unknown): value is Role {
  return typeof value === "string" && (ROLES as readonly string[]).includes(value);
}

export function can(role: Role, capability: Capability): boolean {
  return PERMISSIONS[capability].includes(role);
}

/** True when `role` ranks at least as high as `minimum`. */
export function atLeast(role: Role, minimum: Role): boolean {
  return ROLE_RANK[role] >= ROLE_RANK[minimum];
}
