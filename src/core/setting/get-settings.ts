import { settings } from "../../db/schema/index.ts";
import type { Db } from "../../db/store.ts";
import { DEFAULT_SETTINGS, SettingsShape, type Settings } from "./schemas.ts";

/** The current owner settings: stored values over defaults (an unreadable value falls back to its default). */
export function getSettings(db: Db): Settings {
  const merged: Record<string, unknown> = { ...DEFAULT_SETTINGS };
  for (const row of db.select().from(settings).all()) {
    if (row.key in DEFAULT_SETTINGS) {
      const candidate = { ...merged, [row.key]: row.value };
      if (SettingsShape.safeParse(candidate).success) merged[row.key] = row.value;
    }
  }
  return merged as Settings;
}
