import { z } from "zod";
import { DefaultSsoRole, RoleRules } from "../identity/schemas.ts";

/** Owner settings, stored in the database; each has a safe default. */
export const SettingsShape = z.strictObject({
  scannerPolicy: z.enum(["reject", "redact"]),
  /** Audit events older than this many days may be purged; 0 keeps everything. */
  retentionDays: z.int().min(0).max(36_500),
  sessionIdleMinutes: z.int().min(1).max(15),
  sessionAbsoluteHours: z.int().min(1).max(12),
  loginMaxFailures: z.int().min(1).max(20),
  /** Single sign-on group/claim-to-role rules, tried in order: the first match decides (see core/identity/map-role.ts). */
  ssoRoleRules: RoleRules,
  /** The role of an SSO sign-in no rule matches; `none` refuses it. */
  ssoDefaultRole: DefaultSsoRole,
});
export type Settings = z.infer<typeof SettingsShape>;

export const DEFAULT_SETTINGS: Settings = Object.freeze({
  scannerPolicy: "reject",
  retentionDays: 0,
  sessionIdleMinutes: 15,
  sessionAbsoluteHours: 12,
  loginMaxFailures: 5,
  ssoRoleRules: [],
  ssoDefaultRole: "developer",
});

export const SettingsPatch = SettingsShape.partial();
