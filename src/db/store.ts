import type { Database, Statement } from "bun:sqlite";
import { drizzle } from "drizzle-orm/bun-sqlite";
import { closeSync, constants, fdatasync, fsyncSync, openSync } from "node:fs";
import { join } from "node:path";
import type { Queries, Store, Tx } from "../core/store.ts";
import { anchorFile } from "./anchor-file.ts";
import { startCheckpointer, type Checkpointer } from "./checkpointer.ts";
import { DATABASE_FILE, openDatabase } from "./client.ts";
import { databaseError, DataDirError } from "./data-dir.ts";
import { migrate, NewerSchemaError, pendingMigrations } from "./migrate.ts";
import { createQueries, wrapQueries } from "./queries/index.ts";
import type { SqliteDb } from "./queries/sqlite-db.ts";
import * as schema from "./schema/index.ts";

export type { Store, Tx } from "../core/store.ts";

export interface StoreOptions {
  /**
   * Awaited just before each COMMIT (tests slow commits down with it to prove that no answer
   * leaves before its write is durable). Never set in production.
   */
  readonly beforeCommit?: () => Promise<void> | void;
  /**
   * Awaited before each sync of the write-ahead log (tests slow the fsync down with it); on
   * PostgreSQL, whose COMMIT is the sync, after each COMMIT and before its writes are answered.
   * Never set in production.
   */
  readonly beforeSync?: () => Promise<void> | void;
}

export interface OpenStoreResult {
  store: Store;
  migrationsApplied: string[];
  /** Checkpoints the worker completed so far (tests). */
  checkpointsCompleted: () => number;
}

export { ANCHOR_FILE, loadAnchor } from "./anchor-file.ts";

/**
 * Opens (creating if needed) the database in `dataDir`, checks it (PRAGMA quick_check, no
 * migration newer than this version), applies migrations, returns the store. A database that
 * fails a check is refused with a DataDirError naming the file.
 */
export function openStore(dataDir: string, options: StoreOptions = {}): OpenStoreResult {
  const path = join(dataDir, DATABASE_FILE);
  const prepared: Prepared = { count: 0, statements: [] };
  const writer = counting(openCheckedDatabase(path), prepared);
  let migrationsApplied: string[];
  try {
    migrationsApplied = migrate(writer);
  } catch (error) {
    writer.close();
    if (error instanceof NewerSchemaError) {
      throw new DataDirError(`refusing to start: ${path}: ${error.message}; run the newer Railyard (or restore a backup made by this version)`);
    }
    throw databaseError(path, error);
  }
  const reader = counting(openDatabase(path, { readonly: true }), prepared);
  // The log is copied back by the checkpoint worker, off the event loop; should the worker fail,
  // the writer's own automatic checkpoint takes over again.
  writer.run("PRAGMA wal_autocheckpoint = 0");
  const checkpointer = startCheckpointer(path, () => writer.run("PRAGMA wal_autocheckpoint = 1000"));
  return { store: createStore(dataDir, writer, reader, prepared, checkpointer, options), migrationsApplied, checkpointsCompleted: () => checkpointer.completed };
}

/** The writer connection, after SQLite's own check of every page (damage is refused at start, not found at the first unlucky read). */
function openCheckedDatabase(path: string): Database {
  let sqlite: Database | null = null;
  try {
    sqlite = openDatabase(path);
    const problems = sqlite.query<{ quick_check: string }, []>("PRAGMA quick_check(3)").all().map((r) => r.quick_check);
    if (problems.length !== 1 || problems[0] !== "ok") throw new Error(`quick_check: ${problems.join("; ").slice(0, 300)}`);
    return sqlite;
  } catch (error) {
    sqlite?.close();
    throw databaseError(path, error);
  }
}

/** Statements compiled on the store's connections: counted, and kept so close() can finalize them. */
interface Prepared {
  count: number;
  statements: Statement[];
}

/**
 * Counts statement compilations on a connection (bun:sqlite compiles in prepare() and query()) and
 * keeps the statements, so close() can finalize them: SQLite closes a connection with unfinalized
 * statements only lazily.
 */
function counting(db: Database, prepared: Prepared): Database {
  const prepare = db.prepare.bind(db);
  const query = db.query.bind(db);
  db.prepare = ((...args: Parameters<Database["prepare"]>) => {
    prepared.count++;
    const statement = prepare(...args);
    prepared.statements.push(statement);
    return statement;
  }) as Database["prepare"];
  db.query = ((...args: Parameters<Database["query"]>) => {
    prepared.count++;
    const statement = query(...args);
    prepared.statements.push(statement);
    return statement;
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
 * open BEGIN IMMEDIATE transaction; the transaction commits once no write is waiting (or MAX_BATCH
 * ran): group commit. The writer runs with synchronous=NORMAL, so COMMIT only writes the WAL, and
 * the store makes it durable itself with fdatasync off the JS thread (a synchronous fsync held the
 * event loop: under load it was most of the server's time). Meanwhile the next batch runs; one
 * sync covers every batch committed before it started. A write's promise settles only once a sync
 * covering its COMMIT completed, and a read returns only once everything it could have seen is
 * durable: every answer waits for durability by construction. Reads use a read-only connection.
 */
function createStore(dataDir: string, writer: Database, reader: Database, prepared: Prepared, checkpointer: Checkpointer, options: StoreOptions): Store {
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
  writer.run("PRAGMA synchronous = NORMAL");

  // COMMITs made so far, and how many of them a completed WAL sync covers.
  let committed = 0;
  let synced = 0;
  let syncing = false;
  let syncFailure: { error: unknown } | null = null;
  const waiters: { upTo: number; resolve: () => void; reject: (error: unknown) => void }[] = [];
  let walFd: number | null = null;
  const walFile = (): number => {
    if (walFd === null) {
      walFd = openSync(join(dataDir, `${DATABASE_FILE}-wal`), constants.O_RDONLY);
      // Once, so the log's directory entry is durable too.
      const dir = openSync(dataDir, constants.O_RDONLY);
      try {
        fsyncSync(dir);
      } finally {
        closeSync(dir);
      }
    }
    return walFd;
  };
  const syncDone = (target: number, error: unknown): void => {
    syncing = false;
    if (error) {
      // The log may not be on disk: refuse every pending and later write rather than guess.
      syncFailure = { error };
      for (const w of waiters.splice(0)) w.reject(error);
      return;
    }
    synced = target;
    for (let i = waiters.length - 1; i >= 0; i--) {
      if (waiters[i]!.upTo <= synced) waiters.splice(i, 1)[0]!.resolve();
    }
    startSync();
  };
  const startSync = (): void => {
    if (syncing || synced >= committed || syncFailure) return;
    syncing = true;
    const target = committed;
    void (async () => {
      await options.beforeSync?.();
      fdatasync(walFile(), (error) => syncDone(target, error));
    })().catch((error: unknown) => syncDone(target, error));
  };
  /** Resolves once the first `upTo` COMMITs are durable. */
  const durable = (upTo: number): Promise<void> => {
    if (syncFailure) return Promise.reject(syncFailure.error);
    if (synced >= upTo) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      waiters.push({ upTo, resolve, reject });
      startSync();
    });
  };

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
  const read = afterDurable(createQueries(readDb), () => committed, durable);

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
      committed++;
      checkpointer.written();
    } catch (error) {
      failure = { error };
      try {
        rollback.run();
      } catch {
        // SQLite already rolled the transaction back.
      }
    }
    const settle = (syncError: unknown): void => {
      for (const s of settled) {
        if (failure) s.job.reject(failure.error);
        else if (syncError) s.job.reject(syncError);
        else if (s.ok) s.job.resolve(s.value);
        else s.job.reject(s.error);
      }
    };
    // The next batch starts at once; this one is answered when a sync covers its COMMIT.
    if (failure) settle(null);
    else void durable(committed).then(() => settle(null), settle);
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

  const anchor = anchorFile(dataDir);

  return {
    read,
    write<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
      if (closed) return Promise.reject(new Error("store is closed"));
      if (syncFailure) return Promise.reject(syncFailure.error);
      return new Promise<T>((resolve, reject) => {
        jobs.push({ fn, resolve: resolve as (value: unknown) => void, reject });
        draining ??= drain();
      });
    },
    anchor,
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
      // The copy is synced like a FULL commit would be.
      writer.run("PRAGMA synchronous = FULL");
      try {
        writer.run("VACUUM INTO ?", [file]);
      } finally {
        writer.run("PRAGMA synchronous = NORMAL");
      }
    },
    statementsPrepared: () => prepared.count,
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      await idle();
      await durable(committed).catch(() => {});
      await checkpointer.close();
      if (walFd !== null) closeSync(walFd);
      anchor.close();
      // A clean close checkpoints the WAL into the main file.
      writer.run("PRAGMA wal_checkpoint(TRUNCATE)");
      for (const statement of prepared.statements.splice(0)) statement.finalize();
      reader.close();
      writer.close();
    },
  };
}

/**
 * The read namespaces, each query answering only once everything it could have seen is durable:
 * the read-only connection sees a COMMIT as soon as it is in the log, before the store's sync.
 */
function afterDurable(queries: Queries, committed: () => number, durable: (upTo: number) => Promise<void>): Queries {
  return wrapQueries(queries, (method) => async (...args) => {
    const value = await method(...args);
    // Whatever the statement saw was committed by now at the latest.
    await durable(committed());
    return value;
  });
}
