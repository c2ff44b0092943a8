// Audit test helpers: a separate writable bun:sqlite connection to an app's database file, as an
// attacker (or a fault) with file access would have, and collectors of emitted event types.
import { Database } from "bun:sqlite";
import { join } from "node:path";
import { DATABASE_FILE } from "../../src/db/client.ts";
import type { TestApp } from "./app.ts";
import { openTestDatabase } from "./backend.ts";

/** Opens the app's database file directly (WAL, so it sees and writes the live data). */
export function rawDatabase(app: TestApp | string): Database {
  const dataDir = typeof app === "string" ? app : app.dataDir;
  return openTestDatabase(dataDir, join(dataDir, DATABASE_FILE));
}

/** What an attacker does first: drop the append-only triggers (and on PostgreSQL the unique prev_hash). */
export function dropAuditTriggers(db: Database): void {
  const postgres = !((db as unknown) instanceof Database);
  const on = postgres ? " ON audit_events" : "";
  db.run(`DROP TRIGGER IF EXISTS audit_events_no_update${on}`);
  db.run(`DROP TRIGGER IF EXISTS audit_events_no_delete${on}`);
  if (postgres) db.run("DROP INDEX IF EXISTS audit_events_prev_hash_unique");
}

/** Makes every audit insert fail until the returned function is called (fail-closed tests). */
export function breakAuditWrites(app: TestApp): () => void {
  const db = rawDatabase(app);
  const postgres = !((db as unknown) instanceof Database);
  if (postgres) {
    db.run("CREATE FUNCTION test_audit_insert_fails() RETURNS trigger LANGUAGE plpgsql AS $f$ BEGIN RAISE EXCEPTION 'audit write failed (test)'; END; $f$");
    db.run("CREATE TRIGGER test_audit_insert_fails BEFORE INSERT ON audit_events FOR EACH ROW EXECUTE FUNCTION test_audit_insert_fails()");
  } else {
    db.run("CREATE TRIGGER test_audit_insert_fails BEFORE INSERT ON audit_events BEGIN SELECT RAISE(ABORT, 'audit write failed (test)'); END;");
  }
  return () => {
    db.run(postgres ? "DROP TRIGGER IF EXISTS test_audit_insert_fails ON audit_events" : "DROP TRIGGER IF EXISTS test_audit_insert_fails");
    db.close();
  };
}

/** Every event type present in the trail of an app (or of a data dir). */
export function emittedTypes(app: TestApp | string): Set<string> {
  const db = rawDatabase(app);
  try {
    return new Set(db.query<{ type: string }, []>("SELECT DISTINCT type FROM audit_events").all().map((r) => r.type));
  } finally {
    db.close();
  }
}

export function countEvents(app: TestApp | string, type?: string): number {
  const db = rawDatabase(app);
  try {
    const row = type
      ? db.query<{ n: number }, [string]>("SELECT count(*) AS n FROM audit_events WHERE type = ?").get(type)
      : db.query<{ n: number }, []>("SELECT count(*) AS n FROM audit_events").get();
    return row?.n ?? 0;
  } finally {
    db.close();
  }
}

/** The events of one type in an app's trail (or a data dir's), oldest first, with meta parsed. */
export function eventsOf(app: TestApp | string, type: string): { type: string; subject: string | null; meta: Record<string, unknown> }[] {
  const db = rawDatabase(app);
  try {
    return db.query<{ type: string; subject: string | null; meta: string }, [string]>("SELECT type, subject, meta FROM audit_events WHERE type = ? ORDER BY seq").all(type)
      .map((e) => ({ type: e.type, subject: e.subject, meta: JSON.parse(e.meta) as Record<string, unknown> }));
  } finally {
    db.close();
  }
}

/** The whole trail as text (to assert that a secret appears nowhere in it). */
export function trailText(app: TestApp | string): string {
  const db = rawDatabase(app);
  try {
    return JSON.stringify(db.query("SELECT * FROM audit_events ORDER BY seq").all());
  } finally {
    db.close();
  }
}
