// The PostgreSQL side of the query modules: a drizzle SQLite-dialect handle whose statements run
// on PostgreSQL (drizzle's sqlite-proxy driver). Each statement's SQL is built once by drizzle when
// a query module prepares it, translated once (translate.ts), and sent by Bun's SQL client, which
// prepares it on the server once per connection. Results are decoded as bun:sqlite returns them:
// bigint and numeric as numbers, booleans as 1/0.
import type { SQL } from "bun";
import { drizzle } from "drizzle-orm/sqlite-proxy";
import type { SqliteDb } from "../queries/sqlite-db.ts";
import * as schema from "../schema/index.ts";
import { toPostgres } from "./translate.ts";

/** What runs a statement: the pool, or one reserved connection (a transaction). */
export type Runner = Pick<SQL, "unsafe">;

/** Statement texts translated so far (shared by every handle of one store). */
export interface Translations {
  readonly texts: Map<string, string>;
}

const INT8 = 20;
const NUMERIC = 1700;
const BOOL = 16;

type Row = unknown[];
interface Result extends Array<Row> {
  columns?: { type: number }[];
  count?: number | null;
  affectedRows?: number | null;
}

function decode(result: Result): Row[] {
  const columns = result.columns;
  if (!columns || result.length === 0) return result;
  const convert: number[] = [];
  columns.forEach((c, i) => {
    if (c.type === INT8 || c.type === NUMERIC || c.type === BOOL) convert.push(i);
  });
  if (convert.length === 0) return result;
  for (const row of result) {
    for (const i of convert) {
      const v = row[i];
      if (v === null || v === undefined) continue;
      row[i] = typeof v === "boolean" ? (v ? 1 : 0) : Number(v);
    }
  }
  return result;
}

/** bun:sqlite binds booleans as 1/0; so does this, so both backends store the same values. */
const bindable = (params: unknown[]): unknown[] => params.map((v) => (typeof v === "boolean" ? (v ? 1 : 0) : v));

/** A drizzle handle over `runner()` (called per statement, so a store can swap a lost connection). */
export function pgQueryDb(runner: () => Runner, translations: Translations): SqliteDb {
  const db = drizzle(async (text, params, method) => {
    let pgText = translations.texts.get(text);
    if (pgText === undefined) {
      pgText = toPostgres(text);
      translations.texts.set(text, pgText);
    }
    const result = (await runner().unsafe(pgText, bindable(params)).values()) as Result;
    if (method === "run") return { rows: [], changes: result.affectedRows ?? result.count ?? 0 } as never;
    const rows = decode(result);
    return { rows: method === "get" ? (rows[0] as never) : rows };
  }, { schema });
  return db as unknown as SqliteDb;
}
