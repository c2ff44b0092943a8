import { Database } from "bun:sqlite";
import { drizzle } from "drizzle-orm/bun-sqlite";
import { join } from "node:path";
import type { AnchorFile, Queries } from "../core/store.ts";
import { DATABASE_FILE } from "./client.ts";
import { databaseError } from "./data-dir.ts";
import { createQueries } from "./queries/index.ts";
import type { SqliteDb } from "./queries/sqlite-db.ts";
import * as schema from "./schema/index.ts";
import { loadAnchor } from "./store.ts";

export interface ReadOnlyStore {
  readonly read: Queries;
  readonly anchor: AnchorFile;
  close(): void;
}

/**
 * The database for reading only, when the normal open cannot work because it would have to write
 * (a full disk: the shared-memory index `-shm` of WAL mode cannot be created). Exclusive locking
 * mode keeps the WAL index in memory, and `query_only` refuses every write. Meant for `audit
 * verify` on a data dir nobody has open (a missing `-shm` means no connection is open).
 */
export function openReadOnlyStore(dataDir: string): ReadOnlyStore {
  const path = join(dataDir, DATABASE_FILE);
  let sqlite: Database | null = null;
  try {
    sqlite = new Database(path, { readwrite: true, create: false });
    sqlite.run("PRAGMA busy_timeout = 5000");
    sqlite.run("PRAGMA query_only = ON");
    sqlite.run("PRAGMA locking_mode = EXCLUSIVE");
    sqlite.query("SELECT count(*) FROM sqlite_master").get();
  } catch (error) {
    sqlite?.close();
    throw databaseError(path, error, "cannot read the database");
  }
  const db = sqlite;
  return {
    read: createQueries(drizzle({ client: db, schema }) as unknown as SqliteDb),
    anchor: {
      load: () => loadAnchor(dataDir),
      save: () => {
        throw new Error("read-only store");
      },
    },
    close: () => db.close(),
  };
}
