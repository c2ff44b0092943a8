import { z } from "zod";

/** Owner settings, stored in the database; each has a safe default. */
export const SettingsShape = z.strictObject({
  scannerPolicy: z.enum(["reject", "redact"]),
  /** Audit events older than this many days may be purged; 0 keeps everything. */
  retentionDays: z.int().min(0).max(36_500),
  sessionIdleMinutes: z.int().min(1).max(15),
  sessionAbsoluteHours: z.int().min(1).max(12),
  loginMaxFailures: z.int().min(1).max(20),
});
export type Settings = z.infer<typeof SettingsShape>;

export const DEFAULT_SETTINGS: Settings = Object.freeze({
  scannerPolicy: "reject",
  retentionDays: 0,
  sessionIdleMinutes: 15,
  sessionAbsoluteHours: 12,
  loginMaxFailures: 5,
});

export const SettingsPatch = SettingsShape.partial();
