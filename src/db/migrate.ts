import type { Database } from "bun:sqlite";
import { MIGRATIONS, type Migration } from "./migrations.ts";

/**
 * Applies every migration not yet recorded, each in its own transaction, tracked by name.
 * Returns the names applied now.
 */
export function migrate(sqlite: Database, migrations: readonly Migration[] = MIGRATIONS): string[] {
  sqlite.run("CREATE TABLE IF NOT EXISTS _migrations (name TEXT PRIMARY KEY NOT NULL, applied_at INTEGER NOT NULL)");
  const applied = new Set(sqlite.query<{ name: string }, []>("SELECT name FROM _migrations").all().map((r) => r.name));
  const done: string[] = [];
  for (const migration of migrations) {
    if (applied.has(migration.name)) continue;
    const apply = sqlite.transaction(() => {
      for (const statement of migration.sql.split("--> statement-breakpoint")) {
        if (statement.trim()) sqlite.run(statement);
      }
      sqlite.run("INSERT INTO _migrations (name, applied_at) VALUES (?, ?)", [migration.name, Date.now()]);
    });
    apply.immediate();
    done.push(migration.name);
  }
  return done;
}

/** Names of embedded migrations that the database has not applied (empty when ready). */
export function pendingMigrations(sqlite: Database): string[] {
  const hasTable = sqlite.query("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_migrations'").get();
  if (!hasTable) return MIGRATIONS.map((m) => m.name);
  const applied = new Set(sqlite.query<{ name: string }, []>("SELECT name FROM _migrations").all().map((r) => r.name));
  return MIGRATIONS.filter((m) => !applied.has(m.name)).map((m) => m.name);
}
