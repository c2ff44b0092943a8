// The PostgreSQL store: the same port as the SQLite one (core/store.ts), for several nodes on one
// database. Writes are group-committed on one connection per node, and every write transaction
// of every node first takes one transaction-scoped advisory lock: writes are serialised across
// nodes exactly as SQLite serialises them, so the audit chain's head is read and extended under
// that lock (and a unique prev_hash backs it up). COMMIT returns once PostgreSQL has flushed it
// (synchronous_commit), and a committed row is visible only after that flush, so neither reads nor
// writes can answer before durability. Reads use the pool.
import type { ReservedSQL, SQL } from "bun";
import { AppError } from "../../core/errors.ts";
import type { Queries, Store, Tx } from "../../core/store.ts";
import { anchorFile } from "../anchor-file.ts";
import { DataDirError } from "../data-dir.ts";
import { NewerSchemaError } from "../migrate.ts";
import { createQueries, wrapQueries } from "../queries/index.ts";
import type { StoreOptions } from "../store.ts";
import { describeTarget } from "./client.ts";
import { pgQueryDb, type Runner, type Translations } from "./connection.ts";
import { PG_MIGRATIONS } from "./migrations.ts";
import { createPgRelay } from "./relay.ts";

/** Advisory lock keys (one namespace: the first 31 bits of "railyard" hashed, plus the purpose). */
export const LOCKS = { write: 0x5241_0001, migrate: 0x5241_0002, jobs: 0x5242_0000 } as const;

const MAX_BATCH = 256;
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Thrown while the database cannot be reached: the edges answer 503 / an MCP error, nothing is
 * acknowledged. The message names no host (callers see it); the log gets the cause.
 */
export class StoreUnavailableError extends AppError {
  constructor(readonly detail: string, options?: { cause?: unknown }) {
    super("unavailable", "the database is unavailable right now; nothing was changed, retry shortly");
    if (options?.cause !== undefined) this.cause = options.cause;
  }
}

interface Job {
  fn: (tx: Tx) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/** Applies the PostgreSQL migrations once across nodes (a session advisory lock), refusing a newer database. */
export async function migratePg(sql: SQL): Promise<string[]> {
  const conn = await sql.reserve();
  try {
    await conn.unsafe("SELECT pg_advisory_lock($1)", [LOCKS.migrate]);
    try {
      await conn.unsafe("CREATE TABLE IF NOT EXISTS _migrations (name text PRIMARY KEY NOT NULL, applied_at bigint NOT NULL)");
      const applied = new Set(((await conn.unsafe("SELECT name FROM _migrations").values()) as string[][]).map((r) => r[0]!));
      const known = new Set(PG_MIGRATIONS.map((m) => m.name));
      const unknown = [...applied].find((name) => !known.has(name));
      if (unknown !== undefined) throw new NewerSchemaError(unknown);
      const done: string[] = [];
      for (const migration of PG_MIGRATIONS) {
        if (applied.has(migration.name)) continue;
        await conn.unsafe("BEGIN");
        try {
          for (const statement of migration.sql.split("--> statement-breakpoint")) {
            if (statement.trim()) await conn.unsafe(statement);
          }
          await conn.unsafe("INSERT INTO _migrations (name, applied_at) VALUES ($1, $2)", [migration.name, Date.now()]);
          await conn.unsafe("COMMIT");
        } catch (error) {
          await conn.unsafe("ROLLBACK").catch(() => {});
          throw error;
        }
        done.push(migration.name);
      }
      return done;
    } finally {
      await conn.unsafe("SELECT pg_advisory_unlock($1)", [LOCKS.migrate]).catch(() => {});
    }
  } finally {
    conn.release();
  }
}

/** What the database holds before this start (for the data dir's secret checks). */
export async function pgDatabaseState(sql: SQL): Promise<{ kind: "empty" } | { kind: "present"; hasAuditEvents: boolean }> {
  const rows0 = (await sql.unsafe("SELECT to_regclass('public.audit_events') IS NOT NULL").values()) as boolean[][];
  if (!rows0[0]?.[0]) return { kind: "empty" };
  const rows = (await sql.unsafe("SELECT 1 FROM audit_events LIMIT 1").values()) as unknown[][];
  return { kind: "present", hasAuditEvents: rows.length > 0 };
}

/** Opens the store on a connected pool: migrates (refusing a newer database) and prepares the writer. */
export async function openPgStore(sql: SQL, url: string, dataDir: string, options: StoreOptions = {}): Promise<{ store: Store; migrationsApplied: string[] }> {
  let migrationsApplied: string[];
  try {
    migrationsApplied = await migratePg(sql);
  } catch (error) {
    await sql.close().catch(() => {});
    if (error instanceof NewerSchemaError) {
      throw new DataDirError(`refusing to start: PostgreSQL at ${describeTarget(url)}: ${error.message}; run the newer Railyard`);
    }
    throw new DataDirError(`refusing to start: PostgreSQL at ${describeTarget(url)}: migration failed: ${(error as Error).message}`, { cause: error });
  }
  return { store: createPgStore(sql, url, dataDir, options), migrationsApplied };
}

function unavailable(url: string, error: unknown): StoreUnavailableError {
  const detail = (error as Error)?.message ?? String(error);
  return new StoreUnavailableError(`the database at ${describeTarget(url)} is unavailable (${detail.slice(0, 160)})`, { cause: error });
}

/** Whether `error` (or what it wraps: drizzle wraps a statement's error) says the connection, not the statement, failed. */
function connectionLost(error: unknown): boolean {
  for (let e = error, depth = 0; e && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const code = String((e as { code?: unknown })?.code ?? "");
    const errno = String((e as { errno?: unknown })?.errno ?? "");
    if (code.startsWith("ERR_POSTGRES_CONNECTION") || code === "ERR_POSTGRES_IDLE_TIMEOUT" || code === "ERR_POSTGRES_LIFETIME_TIMEOUT"
      || errno.startsWith("08") || errno === "57P01" || errno === "57P02" || errno === "57P03") return true;
  }
  return false;
}

function createPgStore(sql: SQL, url: string, dataDir: string, options: StoreOptions): Store {
  const translations: Translations = { texts: new Map() };
  const relay = createPgRelay(sql, crypto.randomUUID());
  let writer: ReservedSQL | null = null;
  const writerRunner = (): Runner => {
    if (!writer) throw new StoreUnavailableError("no writer connection");
    return writer;
  };
  const writerQueries = createQueries(pgQueryDb(writerRunner, translations));
  const read = guardedReads(createQueries(pgQueryDb(() => sql, translations)), url);

  // The chain head, known while a batch holds the write lock (see the SQLite store).
  let chainHead: { seq: number; hash: string } | undefined | null = null;
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
  const send = (text: string, params: unknown[] = []) => writerRunner().unsafe(text, params);

  const jobs: Job[] = [];
  let draining: Promise<void> | null = null;
  let closed = false;

  const dropWriter = (): void => {
    const lost = writer;
    writer = null;
    try {
      lost?.release();
    } catch {
      // Already gone.
    }
  };

  const runBatch = async (): Promise<void> => {
    const settled: { job: Job; ok: boolean; value?: unknown; error?: unknown }[] = [];
    let current: Job | null = null;
    try {
      writer ??= await sql.reserve();
      // One round trip: the transaction and the lock that serialises writers across nodes.
      await send(`BEGIN; SELECT pg_advisory_xact_lock(${LOCKS.write})`);
      chainHead = null;
      while (settled.length < MAX_BATCH) {
        let job = jobs.shift();
        if (!job) {
          await nextTurn();
          job = jobs.shift();
          if (!job) break;
        }
        current = job;
        if (settled.length === 0 && jobs.length === 0) {
          // Alone in the transaction so far: no savepoint (two round trips saved). If it fails,
          // the whole transaction, which holds nothing else, is rolled back; the next batch
          // takes the writes that arrived meanwhile.
          try {
            settled.push({ job, ok: true, value: await job.fn(tx) });
          } catch (error) {
            if (connectionLost(error)) throw error;
            await send("ROLLBACK");
            current = null;
            chainHead = null;
            job.reject(error);
            return;
          }
          current = null;
          continue;
        }
        await send("SAVEPOINT w");
        try {
          const value = await job.fn(tx);
          await send("RELEASE w");
          settled.push({ job, ok: true, value });
        } catch (error) {
          if (connectionLost(error)) throw error;
          await send("ROLLBACK TO w");
          await send("RELEASE w");
          chainHead = null;
          settled.push({ job, ok: false, error });
        }
        current = null;
      }
      await options.beforeCommit?.();
      await send("COMMIT");
      // COMMIT returned: PostgreSQL flushed it. The test hook runs before anything is answered.
      await options.beforeSync?.();
    } catch (error) {
      // Nothing of this batch is committed (a lost COMMIT is reported as lost: the client cannot
      // know, and PostgreSQL rolls an unconfirmed transaction back when the connection drops).
      if (connectionLost(error) || !writer) dropWriter();
      else await send("ROLLBACK").catch(() => dropWriter());
      const failure = connectionLost(error) || error instanceof StoreUnavailableError ? unavailable(url, error) : error;
      for (const s of settled) s.job.reject(failure);
      // The job the connection failed inside is rejected too.
      current?.reject(failure);
      return;
    }
    for (const s of settled) (s.ok ? s.job.resolve(s.value) : s.job.reject(s.error));
  };

  const drain = async (): Promise<void> => {
    try {
      while (jobs.length > 0) {
        const before = jobs.length;
        await runBatch().catch((error: unknown) => {
          for (const job of jobs.splice(0, before)) job.reject(unavailable(url, error));
        });
      }
    } finally {
      draining = null;
    }
  };

  const idle = async (): Promise<void> => {
    while (draining) await draining;
  };
  const anchor = anchorFile(dataDir);
  let prunedBefore = 0;

  return {
    read,
    write<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
      if (closed) return Promise.reject(new Error("store is closed"));
      return new Promise<T>((resolve, reject) => {
        jobs.push({ fn, resolve: resolve as (value: unknown) => void, reject });
        draining ??= drain();
      });
    },
    anchor,
    async ready(): Promise<boolean> {
      if (closed) return false;
      try {
        const rows = (await sql.unsafe("SELECT name FROM _migrations").values()) as string[][];
        const applied = new Set(rows.map((r) => r[0]));
        return PG_MIGRATIONS.every((m) => applied.has(m.name));
      } catch {
        return false;
      }
    },
    async sizeBytes(): Promise<number> {
      const rows = (await sql.unsafe("SELECT pg_database_size(current_database())").values()) as string[][];
      return Number(rows[0]?.[0] ?? 0);
    },
    async backupTo(): Promise<void> {
      throw new Error("on PostgreSQL, back up the database with pg_dump (see the README, Scaling out)");
    },
    relay,
    async exclusive(job, fn) {
      // A session lock on a connection of its own, held while `fn` runs; the key is the job's name hashed.
      const key = LOCKS.jobs + (Bun.hash.crc32(job) % 0x10000);
      const conn = await sql.reserve();
      try {
        const rows = (await conn.unsafe("SELECT pg_try_advisory_lock($1)", [key]).values()) as boolean[][];
        if (rows[0]?.[0] !== true) return false;
        try {
          await fn();
          return true;
        } finally {
          await conn.unsafe("SELECT pg_advisory_unlock($1)", [key]).catch(() => {});
        }
      } finally {
        conn.release();
      }
    },
    sharedCounter: async (key, windowStart) => {
      try {
        const rows = (await sql.unsafe(
          `INSERT INTO rate_windows (key, window_start, count) VALUES ($1, $2, 1)
           ON CONFLICT (key, window_start) DO UPDATE SET count = rate_windows.count + 1 RETURNING count`,
          [key, windowStart],
        ).values()) as string[][];
        if (windowStart > prunedBefore) {
          prunedBefore = windowStart;
          void sql.unsafe("DELETE FROM rate_windows WHERE window_start < $1", [windowStart - 120_000]).catch(() => {});
        }
        return Number(rows[0]?.[0] ?? 0);
      } catch (error) {
        throw connectionLost(error) ? unavailable(url, error) : error;
      }
    },
    statementsPrepared: () => translations.texts.size,
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      await idle();
      anchor.close();
      dropWriter();
      await relay.close();
      await sql.close();
    },
  };
}

/** Reads that fail because the database is gone say so (StoreUnavailableError), like writes. */
function guardedReads(queries: Queries, url: string): Queries {
  return wrapQueries(queries, (method) => async (...args) => {
    try {
      return await method(...args);
    } catch (error) {
      throw connectionLost(error) ? unavailable(url, error) : error;
    }
  });
}
