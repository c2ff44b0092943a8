import type { Database } from "bun:sqlite";
import { drizzle } from "drizzle-orm/bun-sqlite";
import type { BaseSQLiteDatabase } from "drizzle-orm/sqlite-core";
import { join } from "node:path";
import { DATABASE_FILE, openDatabase } from "./client.ts";
import { migrate, pendingMigrations } from "./migrate.ts";
import * as schema from "./schema/index.ts";

export type Schema = typeof schema;
/** A query handle: drizzle's dialect-neutral SQLite builder, never bun:sqlite itself. */
export type Db = BaseSQLiteDatabase<"sync", unknown, Schema>;
/** The handle a write transaction receives. */
export type Tx = Db;

/**
 * The storage seam. Reads go through `read` (a read-only connection, so a write that bypasses the
 * write path fails loudly); every write goes through `write`, one BEGIN IMMEDIATE transaction per
 * call. Because writes are synchronous and funnelled here, they are serialised without lost updates
 * and could be batched (group commit) without touching callers.
 */
export interface Store {
  readonly read: Db;
  write<T>(fn: (tx: Tx) => T): T;
  /** Whether the database answers and every embedded migration is applied. */
  ready(): boolean;
  /** Size of the database files in bytes. */
  sizeBytes(): number;
  /** Online, consistent copy of the database into `file` (VACUUM INTO). */
  backupTo(file: string): void;
  close(): void;
}

export interface OpenStoreResult {
  store: Store;
  migrationsApplied: string[];
}

/** Opens (creating if needed) the database in `dataDir`, applies migrations, returns the store. */
export function openStore(dataDir: string): OpenStoreResult {
  const path = join(dataDir, DATABASE_FILE);
  const writer = openDatabase(path);
  const migrationsApplied = migrate(writer);
  const reader = openDatabase(path, { readonly: true });
  return { store: createStore(writer, reader), migrationsApplied };
}

function createStore(writer: Database, reader: Database): Store {
  const writeDb = drizzle({ client: writer, schema }) as unknown as Db;
  const readDb = drizzle({ client: reader, schema }) as unknown as Db;
  let closed = false;
  return {
    read: readDb,
    write<T>(fn: (tx: Tx) => T): T {
      if (closed) throw new Error("store is closed");
      return writeDb.transaction((tx) => fn(tx as unknown as Tx), { behavior: "immediate" }) as T;
    },
    ready(): boolean {
      if (closed) return false;
      try {
        reader.query("SELECT 1").get();
        return pendingMigrations(reader).length === 0;
      } catch {
        return false;
      }
    },
    sizeBytes(): number {
      const row = reader.query<{ size: number }, []>(
        "SELECT page_count * page_size AS size FROM pragma_page_count(), pragma_page_size()",
      ).get();
      return row?.size ?? 0;
    },
    backupTo(file: string): void {
      writer.run("VACUUM INTO ?", [file]);
    },
    close(): void {
      if (closed) return;
      closed = true;
      reader.close();
      // A clean close checkpoints the WAL into the main file.
      writer.run("PRAGMA wal_checkpoint(TRUNCATE)");
      writer.close();
    },
  };
}
