// Which backend the suite runs on. `npm test` uses SQLite; `npm run test:postgres` (or
// RAILYARD_TEST_DATABASE_URL=postgres://… npm test) runs the same suite on a real PostgreSQL
// server, one fresh database per test app. Tests look at committed state through a synchronous
// handle of their own: bun:sqlite on the file, or psql on the server (the way an operator or an
// attacker with database access would), never through the app's store.
import { Database } from "bun:sqlite";
import { SQL } from "bun";
import { toPostgres } from "../../src/db/pg/translate.ts";

/** The PostgreSQL server the suite runs on, or undefined for SQLite. */
export const TEST_DATABASE_URL = process.env.RAILYARD_TEST_DATABASE_URL || undefined;
export const onPostgres = TEST_DATABASE_URL !== undefined;

let admin: SQL | null = null;

/** A fresh, empty database on the test server; returns its URL. */
export async function createTestDatabase(): Promise<string> {
  const url = new URL(TEST_DATABASE_URL!);
  admin ??= new SQL(url.toString(), { max: 2 });
  const name = `rt_${crypto.randomUUID().replaceAll("-", "").slice(0, 20)}`;
  await admin.unsafe(`CREATE DATABASE ${name}`);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Drops a database made by createTestDatabase (connections still open are ended). */
export async function dropTestDatabase(databaseUrl: string): Promise<void> {
  const name = new URL(databaseUrl).pathname.slice(1);
  if (!/^rt_[0-9a-f]{20}$/.test(name)) throw new Error(`not a test database: ${name}`);
  await admin!.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
}

/** A literal for psql (it binds no parameters): test data only, quoted as PostgreSQL quotes it. */
function literal(value: unknown): string {
  if (value === null || value === undefined) return "NULL";
  if (typeof value === "boolean") return value ? "1" : "0";
  if (typeof value === "number" || typeof value === "bigint") return String(value);
  return `'${String(value).replaceAll("'", "''")}'`;
}

/** Runs one statement with psql and returns its rows as objects (bun:sqlite's shapes: numbers, 1/0). */
export function psql(databaseUrl: string, text: string, params: readonly unknown[] = []): Record<string, unknown>[] {
  // Tests write SQLite's spellings: numbered ?1 parameters and unquoted camelCase aliases.
  const numbered = text.replace(/\?(\d+)/g, (_m, k: string) => literal(params[Number(k) - 1])).replace(/\bAS ([a-z]+[A-Z]\w*)/g, 'AS "$1"');
  let i = 0;
  const inlined = toPostgres(numbered).replace(/\$(\d+)/g, () => literal(params[i++]));
  const returnsRows = /^\s*(SELECT|WITH)\b/i.test(inlined) || /\bRETURNING\b/i.test(inlined);
  const query = returnsRows ? `SELECT coalesce(json_agg(row_to_json(q)), '[]') FROM (${inlined}) q` : inlined;
  const out = Bun.spawnSync(["psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", databaseUrl, "-c", query], { stdout: "pipe", stderr: "pipe" });
  if (out.exitCode !== 0) throw new Error(`psql: ${out.stderr.toString().trim()}`);
  if (!returnsRows) return [];
  const rows = JSON.parse(out.stdout.toString().trim() || "[]") as Record<string, unknown>[];
  for (const row of rows) {
    for (const [k, v] of Object.entries(row)) if (typeof v === "boolean") row[k] = v ? 1 : 0;
  }
  return rows;
}

interface SyncStatement {
  all(...params: unknown[]): Record<string, unknown>[];
  get(...params: unknown[]): Record<string, unknown> | null;
  run(...params: unknown[]): { changes: number };
  values(...params: unknown[]): unknown[][];
  finalize(): void;
}

/**
 * The part of bun:sqlite's Database that tests and drizzle's bun-sqlite driver use, over psql:
 * a synchronous look at (or, for attack tests, a write to) the PostgreSQL test database.
 */
export function psqlDatabase(databaseUrl: string): Database {
  const statement = (text: string): SyncStatement => {
    const flat = (params: unknown[]) => (params.length === 1 && Array.isArray(params[0]) ? params[0] : params);
    return {
      all: (...params) => psql(databaseUrl, text, flat(params)),
      get: (...params) => psql(databaseUrl, text, flat(params))[0] ?? null,
      run: (...params) => {
        psql(databaseUrl, text, flat(params));
        return { changes: 0 };
      },
      values: (...params) => psql(databaseUrl, text, flat(params)).map((r) => Object.values(r)),
      finalize: () => {},
    };
  };
  return {
    query: statement,
    prepare: statement,
    run: (text: string, params: unknown[] = []) => statement(text).run(params),
    close: () => {},
  } as unknown as Database;
}

// Which database belongs to a data dir (null: its SQLite file), and the app created last.
const databaseOfDataDir = new Map<string, string | null>();
let latest: string | null = null;

/** Remembers which test database belongs to a data dir (helpers are given either). */
export function registerTestDatabase(dataDir: string, databaseUrl: string | null): void {
  databaseOfDataDir.set(dataDir, databaseUrl);
  latest = databaseUrl;
}

/**
 * The environment a command run in-process by a test needs to reach the database of a data dir's
 * test app (or, without one, of the test app created last), as an operator sets
 * RAILYARD_DATABASE_URL on a PostgreSQL node. Empty on SQLite.
 */
export function commandDatabaseEnv(dataDir?: string): Record<string, string> {
  const url = dataDir !== undefined && databaseOfDataDir.has(dataDir) ? databaseOfDataDir.get(dataDir) : latest;
  return url ? { RAILYARD_DATABASE_URL: url } : {};
}

/** The synchronous handle on a data dir's database: its SQLite file, or its PostgreSQL test database. */
export function openTestDatabase(dataDir: string, sqliteFile: string, options: { readonly?: boolean } = {}): Database {
  const url = databaseOfDataDir.get(dataDir);
  if (url) return psqlDatabase(url);
  const db = new Database(sqliteFile, options.readonly ? { readonly: true } : { readwrite: true });
  if (!options.readonly) db.run("PRAGMA busy_timeout = 5000");
  return db;
}
