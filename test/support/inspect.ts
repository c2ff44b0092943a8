// Tests look at what is committed through their own read-only connection to the app's database
// database (drizzle over bun:sqlite, or psql on PostgreSQL), never through the app's store: what a
// second process would see.
import type { Database } from "bun:sqlite";
import { drizzle } from "drizzle-orm/bun-sqlite";
import { join } from "node:path";
import { DATABASE_FILE } from "../../src/db/client.ts";
import type { SqliteDb } from "../../src/db/queries/sqlite-db.ts";
import * as schema from "../../src/db/schema/index.ts";
import { openTestDatabase } from "./backend.ts";

const handles = new Map<string, { db: SqliteDb; sqlite: Database }>();

/** A drizzle handle on a read-only connection to the data dir's database (one per data dir). */
export function inspect(app: { dataDir: string }): SqliteDb {
  let handle = handles.get(app.dataDir);
  if (!handle) {
    const sqlite = openTestDatabase(app.dataDir, join(app.dataDir, DATABASE_FILE), { readonly: true });
    handle = { sqlite, db: drizzle({ client: sqlite, schema }) as unknown as SqliteDb };
    handles.set(app.dataDir, handle);
  }
  return handle.db;
}

/** Closes the inspection connection of a data dir (before it is removed). */
export function closeInspection(dataDir: string): void {
  handles.get(dataDir)?.sqlite.close();
  handles.delete(dataDir);
}
