import type { SettingQueries } from "../../core/setting/queries.ts";
import { settings } from "../schema/index.ts";
import { lazy, p, pSet, type SqliteDb } from "./sqlite-db.ts";

/** Prepares the settings statements once for one connection. */
export function settingQueries(db: SqliteDb): SettingQueries {
  const all = lazy(() => db.select().from(settings).prepare());
  const put = lazy(() => db.insert(settings).values({ key: p("key"), value: p("value"), updatedAt: p("updatedAt"), updatedBy: p("updatedBy") })
    .onConflictDoUpdate({ target: settings.key, set: { value: pSet("value"), updatedAt: pSet("updatedAt"), updatedBy: pSet("updatedBy") } }).prepare());
  return {
    all: async () => all.all(),
    put: async (row) => {
      await put.run(row as unknown as Record<string, unknown>);
    },
  };
}
