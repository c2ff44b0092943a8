import type { Database } from "bun:sqlite";
import { MIGRATIONS, type Migration } from "./migrations.ts";

/** Thrown when the database records a migration this version does not know (it was written by a newer Railyard). */
export class NewerSchemaError extends Error {
  constructor(readonly migration: string) {
    super(`the database was written by a newer Railyard (migration ${migration} is unknown to this version)`);
  }
}

/**
 * Applies every migration not yet recorded, each in its own transaction, tracked by name.
 * Returns the names applied now. Refuses (NewerSchemaError, before changing anything) a database
 * that recorded a migration not in `migrations`: this version would serve a schema it does not know.
 */
export function migrate(sqlite: Database, migrations: readonly Migration[] = MIGRATIONS): string[] {
  sqlite.run("CREATE TABLE IF NOT EXISTS _migrations (name TEXT PRIMARY KEY NOT NULL, applied_at INTEGER NOT NULL)");
  const applied = new Set(sqlite.query<{ name: string }, []>("SELECT name FROM _migrations ORDER BY name").all().map((r) => r.name));
  const known = new Set(migrations.map((m) => m.name));
  const unknown = [...applied].find((name) => !known.has(name));
  if (unknown !== undefined) throw new NewerSchemaError(unknown);
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
