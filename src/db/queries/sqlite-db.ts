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
