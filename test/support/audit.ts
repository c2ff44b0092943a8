// Audit test helpers: a separate writable bun:sqlite connection to an app's database file, as an
// attacker (or a fault) with file access would have, and collectors of emitted event types.
import { Database } from "bun:sqlite";
import { join } from "node:path";
import { DATABASE_FILE } from "../../src/db/client.ts";
import type { TestApp } from "./app.ts";

/** Opens the app's database file directly (WAL, so it sees and writes the live data). */
export function rawDatabase(app: TestApp | string): Database {
  const db = new Database(join(typeof app === "string" ? app : app.dataDir, DATABASE_FILE), { readwrite: true });
  db.run("PRAGMA busy_timeout = 5000");
  return db;
}

/** What an attacker does first: drop the append-only triggers. */
export function dropAuditTriggers(db: Database): void {
  db.run("DROP TRIGGER IF EXISTS audit_events_no_update");
  db.run("DROP TRIGGER IF EXISTS audit_events_no_delete");
}

/** Makes every audit insert fail until the returned function is called (fail-closed tests). */
export function breakAuditWrites(app: TestApp): () => void {
  const db = rawDatabase(app);
  db.run("CREATE TRIGGER test_audit_insert_fails BEFORE INSERT ON audit_events BEGIN SELECT RAISE(ABORT, 'audit write failed (test)'); END;");
  return () => {
    db.run("DROP TRIGGER IF EXISTS test_audit_insert_fails");
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
