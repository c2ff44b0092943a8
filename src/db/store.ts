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
  /**
   * The query handle for reads: a read-only connection (so a write that bypasses the write path
   * fails loudly), or, while a group commit is pending, the writer, so a request reads its own writes.
   */
  readonly read: Db;
  /** Runs `fn` (synchronous) in the write transaction; throws roll back `fn`'s changes only. */
  write<T>(fn: (tx: Tx) => T): T;
  /** Resolves when every write made so far is durable (committed and synced). */
  durable(): Promise<void>;
  /** Runs `fn` once the writes made so far are committed (at once when nothing is pending). */
  afterCommit(fn: () => void): void;
  /** Whether the database answers and every embedded migration is applied. */
  ready(): boolean;
  /** Size of the database files in bytes. */
  sizeBytes(): number;
  /** Online, consistent copy of the database into `file` (VACUUM INTO). */
  backupTo(file: string): void;
  close(): void;
}

export interface StoreOptions {
  /**
   * Group commit: writes made during one turn of the event loop share one transaction and one
   * fsync, committed on the next turn. Callers must await `durable()` before acknowledging a
   * write (the HTTP edge does). Off by default, so direct calls commit at once.
   */
  readonly groupCommit?: boolean;
}

export interface OpenStoreResult {
  store: Store;
  migrationsApplied: string[];
}

/** Opens (creating if needed) the database in `dataDir`, applies migrations, returns the store. */
export function openStore(dataDir: string, options: StoreOptions = {}): OpenStoreResult {
  const path = join(dataDir, DATABASE_FILE);
  const writer = openDatabase(path);
  const migrationsApplied = migrate(writer);
  const reader = openDatabase(path, { readonly: true });
  return { store: createStore(writer, reader, options.groupCommit ?? false), migrationsApplied };
}

function createStore(writer: Database, reader: Database, groupCommit: boolean): Store {
  const writeDb = drizzle({ client: writer, schema }) as unknown as Db;
  const readDb = drizzle({ client: reader, schema }) as unknown as Db;
  let closed = false;
  /** Nesting depth of write() calls (savepoints). */
  let depth = 0;
  let savepoints = 0;
  /** The open group-commit batch: its completion promise and what runs after it commits. */
  let batch: { done: Promise<void>; resolve: () => void; reject: (e: unknown) => void; after: (() => void)[] } | null = null;

  const commitBatch = (): void => {
    const current = batch;
    if (!current) return;
    batch = null;
    try {
      writer.run("COMMIT");
    } catch (error) {
      try {
        writer.run("ROLLBACK");
      } catch {
        // Already rolled back by SQLite.
      }
      current.reject(error);
      return;
    }
    current.resolve();
    for (const fn of current.after) fn();
  };

  const openBatch = () => {
    writer.run("BEGIN IMMEDIATE");
    let resolve!: () => void;
    let reject!: (e: unknown) => void;
    const done = new Promise<void>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    // Awaited by the edge; an unobserved failure must not crash the process.
    done.catch(() => {});
    batch = { done, resolve, reject, after: [] };
    setImmediate(commitBatch);
  };

  return {
    get read() {
      return batch ? writeDb : readDb;
    },
    write<T>(fn: (tx: Tx) => T): T {
      if (closed) throw new Error("store is closed");
      const outermost = depth === 0;
      const standalone = outermost && !groupCommit;
      if (standalone) writer.run("BEGIN IMMEDIATE");
      else if (outermost && !batch) openBatch();
      const savepoint = standalone ? null : `w${++savepoints}`;
      if (savepoint) writer.run(`SAVEPOINT ${savepoint}`);
      depth++;
      let result: T;
      try {
        result = fn(writeDb);
        if (result instanceof Promise) throw new Error("write functions must be synchronous");
      } catch (error) {
        depth--;
        if (savepoint) {
          writer.run(`ROLLBACK TO ${savepoint}`);
          writer.run(`RELEASE ${savepoint}`);
        }
        if (standalone) writer.run("ROLLBACK");
        throw error;
      }
      depth--;
      if (savepoint) writer.run(`RELEASE ${savepoint}`);
      if (standalone) {
        try {
          writer.run("COMMIT");
        } catch (error) {
          writer.run("ROLLBACK");
          throw error;
        }
      }
      return result;
    },
    durable(): Promise<void> {
      return batch ? batch.done : Promise.resolve();
    },
    afterCommit(fn: () => void): void {
      if (batch) batch.after.push(fn);
      else fn();
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
      commitBatch();
      writer.run("VACUUM INTO ?", [file]);
    },
    close(): void {
      if (closed) return;
      commitBatch();
      closed = true;
      reader.close();
      // A clean close checkpoints the WAL into the main file.
      writer.run("PRAGMA wal_checkpoint(TRUNCATE)");
      writer.close();
    },
  };
}
