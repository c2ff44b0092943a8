import type { BunSQLiteDatabase } from "drizzle-orm/bun-sqlite";
import { sql } from "drizzle-orm";
import type * as schema from "../schema/index.ts";

/** The drizzle handle one query module prepares its statements on (one per connection). */
export type SqliteDb = BunSQLiteDatabase<typeof schema>;

/** A named parameter of a prepared statement. */
export const p = (name: string) => sql.placeholder(name);

/**
 * A named parameter inside `.set()`. Drizzle encodes it by the column at run time (json, boolean)
 * as in `.values()`, but its types take no placeholder there, so this one is typed to fit any column.
 */
export const pSet = (name: string): never => sql.placeholder(name) as never;

/** What the query modules call on a prepared statement. */
interface Runnable {
  get(...args: never[]): unknown;
  all(...args: never[]): unknown;
  run(...args: never[]): unknown;
  values(...args: never[]): unknown;
}

/**
 * A statement prepared on first use and reused from then on: a start prepares none of the few
 * hundred statements (most of them used now and then, some never on a given install), and each
 * is still compiled once per connection.
 */
export function lazy<T extends Runnable>(prepare: () => T): T {
  let statement: T | undefined;
  const it = (): T => (statement ??= prepare());
  return {
    get: (...args: never[]) => it().get(...args),
    all: (...args: never[]) => it().all(...args),
    run: (...args: never[]) => it().run(...args),
    values: (...args: never[]) => it().values(...args),
  } as T;
}
