import type { Database, Statement } from "bun:sqlite";
import { drizzle } from "drizzle-orm/bun-sqlite";
import { closeSync, constants, existsSync, fstatSync, openSync, readFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import type { Queries, Store, Tx } from "../core/store.ts";
import { DATABASE_FILE, openDatabase } from "./client.ts";
import { migrate, pendingMigrations } from "./migrate.ts";
import { createQueries } from "./queries/index.ts";
import type { SqliteDb } from "./queries/sqlite-db.ts";
import * as schema from "./schema/index.ts";

export type { Store, Tx } from "../core/store.ts";

export interface StoreOptions {
  /**
   * Awaited just before each COMMIT (tests slow commits down with it to prove that no answer
   * leaves before its write is durable). Never set in production.
   */
  readonly beforeCommit?: () => Promise<void> | void;
}

export interface OpenStoreResult {
  store: Store;
  migrationsApplied: string[];
}

/** The file, in the data dir, that holds the audit head anchor (see core/audit/anchor.ts). */
export const ANCHOR_FILE = "audit.head";

/** Opens (creating if needed) the database in `dataDir`, applies migrations, returns the store. */
export function openStore(dataDir: string, options: StoreOptions = {}): OpenStoreResult {
  const path = join(dataDir, DATABASE_FILE);
  const prepared = { count: 0 };
  const writer = counting(openDatabase(path), prepared);
  const migrationsApplied = migrate(writer);
  const reader = counting(openDatabase(path, { readonly: true }), prepared);
  return { store: createStore(dataDir, writer, reader, prepared, options), migrationsApplied };
}

/** Counts statement compilations on a connection (bun:sqlite compiles in prepare() and query()). */
function counting(db: Database, prepared: { count: number }): Database {
  const prepare = db.prepare.bind(db);
  const query = db.query.bind(db);
  db.prepare = ((...args: Parameters<Database["prepare"]>) => {
    prepared.count++;
    return prepare(...args);
  }) as Database["prepare"];
  db.query = ((...args: Parameters<Database["query"]>) => {
    prepared.count++;
    return query(...args);
  }) as Database["query"];
  return db;
}

interface Job {
  fn: (tx: Tx) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

type Settled = { job: Job; ok: true; value: unknown } | { job: Job; ok: false; error: unknown };

// Bounds one group commit, so a flood of writers still sees commits (and answers) regularly.
const MAX_BATCH = 256;

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * The SQLite store. Writes run one at a time on the writer connection, each in a savepoint of an
 * open BEGIN IMMEDIATE transaction; the transaction commits (one fsync) once no write is waiting
 * (or MAX_BATCH ran), and only then does each write's promise settle: group commit, with every
 * answer waiting for durability by construction. Reads use a read-only connection, which sees
 * only committed data.
 */
function createStore(dataDir: string, writer: Database, reader: Database, prepared: { count: number }, options: StoreOptions): Store {
  const writeDb = drizzle({ client: writer, schema }) as unknown as SqliteDb;
  const readDb = drizzle({ client: reader, schema }) as unknown as SqliteDb;
  const statement = (text: string): Statement => writer.prepare(text);
  const begin = statement("BEGIN IMMEDIATE");
  const commit = statement("COMMIT");
  const rollback = statement("ROLLBACK");
  const savepoint = statement("SAVEPOINT w");
  const release = statement("RELEASE w");
  const rollbackTo = statement("ROLLBACK TO w");
  const pageBytes = reader.prepare("SELECT page_count * page_size AS size FROM pragma_page_count(), pragma_page_size()");
  const ping = reader.prepare("SELECT 1");

  const inSavepoint = async <T>(fn: () => Promise<T>): Promise<T> => {
    savepoint.run();
    let value: T;
    try {
      value = await fn();
    } catch (error) {
      rollbackTo.run();
      release.run();
      chainHead = null;
      throw error;
    }
    release.run();
    return value;
  };

  // The chain head, known while a batch holds the write lock (no other connection can append
  // then): each event after the first in a batch skips the head lookup. Forgotten when a write
  // is undone and when a new transaction starts.
  let chainHead: { seq: number; hash: string } | undefined | null = null;
  const writerQueries = createQueries(writeDb);
  const tx: Tx = {
    ...writerQueries,
    audit: {
      ...writerQueries.audit,
      head: async () => (chainHead === null ? (chainHead = await writerQueries.audit.head()) : chainHead),
      insert: async (event) => {
        await writerQueries.audit.insert(event);
        chainHead = { seq: event.seq, hash: event.hash };
      },
    },
  };
  const read: Queries = createQueries(readDb);

  const jobs: Job[] = [];
  let draining: Promise<void> | null = null;
  let closed = false;

  const runBatch = async (): Promise<void> => {
    const settled: Settled[] = [];
    let failure: { error: unknown } | null = null;
    begin.run();
    chainHead = null;
    try {
      while (settled.length < MAX_BATCH) {
        let job = jobs.shift();
        if (!job) {
          // Let the writes that other requests started in this turn share the commit.
          await nextTurn();
          job = jobs.shift();
          if (!job) break;
        }
        try {
          settled.push({ job, ok: true, value: await inSavepoint(() => job.fn(tx)) });
        } catch (error) {
          settled.push({ job, ok: false, error });
        }
      }
      await options.beforeCommit?.();
      commit.run();
    } catch (error) {
      failure = { error };
      try {
        rollback.run();
      } catch {
        // SQLite already rolled the transaction back.
      }
    }
    for (const s of settled) {
      if (failure) s.job.reject(failure.error);
      else if (s.ok) s.job.resolve(s.value);
      else s.job.reject(s.error);
    }
  };

  const drain = async (): Promise<void> => {
    try {
      while (jobs.length > 0) await runBatch();
    } finally {
      draining = null;
    }
  };

  const idle = async (): Promise<void> => {
    while (draining) await draining;
  };

  const anchorPath = join(dataDir, ANCHOR_FILE);
  // Fixed length, so each update is one positioned write of one small block over the previous
  // record: a reader never sees a truncated file.
  const ANCHOR_RECORD_BYTES = 256;
  let anchorFd: number | null = null;

  return {
    read,
    write<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
      if (closed) return Promise.reject(new Error("store is closed"));
      return new Promise<T>((resolve, reject) => {
        jobs.push({ fn, resolve: resolve as (value: unknown) => void, reject });
        draining ??= drain();
      });
    },
    anchor: {
      load(): string | null {
        if (!existsSync(anchorPath)) return null;
        return readFileSync(anchorPath, "utf8");
      },
      save(record: string): void {
        // Kept open between commits (an open per commit cost more than the write); reopened when
        // the file was removed or replaced meanwhile. Not "w": truncating would leave an empty file.
        if (anchorFd !== null && fstatSync(anchorFd).nlink === 0) {
          closeSync(anchorFd);
          anchorFd = null;
        }
        anchorFd ??= openSync(anchorPath, constants.O_RDWR | constants.O_CREAT, 0o600);
        writeSync(anchorFd, Buffer.from(record.padEnd(ANCHOR_RECORD_BYTES - 1, " ").slice(0, ANCHOR_RECORD_BYTES - 1) + "\n"), 0, ANCHOR_RECORD_BYTES, 0);
      },
    },
    async ready(): Promise<boolean> {
      if (closed) return false;
      try {
        ping.get();
        return pendingMigrations(reader).length === 0;
      } catch {
        return false;
      }
    },
    async sizeBytes(): Promise<number> {
      return (pageBytes.get() as { size: number } | null)?.size ?? 0;
    },
    async backupTo(file: string): Promise<void> {
      // Re-checked right before VACUUM (which cannot run inside a transaction): a write that
      // started while idle() resolved would have opened one.
      do await idle();
      while (draining);
      writer.run("VACUUM INTO ?", [file]);
    },
    statementsPrepared: () => prepared.count,
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      await idle();
      if (anchorFd !== null) closeSync(anchorFd);
      reader.close();
      // A clean close checkpoints the WAL into the main file.
      writer.run("PRAGMA wal_checkpoint(TRUNCATE)");
      writer.close();
    },
  };
}
