import { z } from "zod";
import { DefaultSsoRole, RoleRules } from "../identity/schemas.ts";

const Price = z.number().min(0).max(1_000_000);
/** One model's price per million tokens of each kind. */
export const ModelPrice = z.strictObject({
  model: z.string().trim().min(1).max(100),
  inputPerMillion: Price,
  outputPerMillion: Price,
  cachePerMillion: Price,
});
export type ModelPrice = z.infer<typeof ModelPrice>;
const ModelPrices = z.array(ModelPrice).max(100).refine((list) => new Set(list.map((p) => p.model)).size === list.length, "each model at most once");

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
  /** Per-model prices per million tokens, set by the owner: the dashboard turns tokens into money (none shipped or fetched). */
  modelPrices: ModelPrices,
  /** The currency code the prices are in (shown next to amounts; nothing is converted). */
  priceCurrency: z.string().regex(/^[A-Z]{3}$/, "a three-letter currency code"),
  /** Ritual miner: a pattern becomes a proposal when it repeats in at least this many runs… */
  minerRuns: z.int().min(2).max(1000),
  /** …of at least this many people… */
  minerPeople: z.int().min(1).max(100),
  /** …within this many days (also how long a dismissed pattern stays muted). */
  minerWindowDays: z.int().min(1).max(365),
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
  modelPrices: [],
  priceCurrency: "USD",
  minerRuns: 5,
  minerPeople: 2,
  minerWindowDays: 30,
});

export const SettingsPatch = SettingsShape.partial();
