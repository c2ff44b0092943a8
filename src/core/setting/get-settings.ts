import type { Queries } from "../store.ts";
import { DEFAULT_SETTINGS, SettingsShape, type Settings } from "./schemas.ts";

/** The current owner settings: stored values over defaults (an unreadable value falls back to its default). */
export async function getSettings(q: Pick<Queries, "settings">): Promise<Settings> {
  const merged: Record<string, unknown> = { ...DEFAULT_SETTINGS };
  for (const row of await q.settings.all()) {
    if (row.key in DEFAULT_SETTINGS) {
      const candidate = { ...merged, [row.key]: row.value };
      if (SettingsShape.safeParse(candidate).success) merged[row.key] = row.value;
    }
  }
  return merged as Settings;
}
