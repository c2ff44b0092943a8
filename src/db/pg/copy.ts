// Copies an SQLite install into an empty, migrated PostgreSQL database: every table, the audit
// trail included, in foreign-key order, in one transaction that is committed only after the
// copied trail verified (the caller's check runs on the copy before COMMIT).
import type { Database } from "bun:sqlite";
import type { SQL } from "bun";
import { is } from "drizzle-orm";
import { getTableConfig, SQLiteTable } from "drizzle-orm/sqlite-core";
import type { Queries } from "../../core/store.ts";
import { createQueries } from "../queries/index.ts";
import * as schema from "../schema/index.ts";
import { pgQueryDb } from "./connection.ts";

const ROWS_PER_INSERT = 500;
// Rows the migrations themselves write (the purge window's one row).
const WRITTEN_BY_MIGRATIONS = new Set(["audit_purge_window"]);

/** The tables, parents before children. */
function tablesInOrder(): { name: string; autoKey: string | null }[] {
  const tables = Object.values(schema as Record<string, unknown>).filter((t): t is SQLiteTable => is(t, SQLiteTable)).map((t) => getTableConfig(t));
  const byName = new Map(tables.map((t) => [t.name, t]));
  const done = new Set<string>();
  const out: { name: string; autoKey: string | null }[] = [];
  const visit = (name: string, path: string[]) => {
    if (done.has(name) || path.includes(name)) return;
    const table = byName.get(name)!;
    for (const fk of table.foreignKeys) {
      const parent = getTableConfig(fk.reference().foreignTable).name;
      if (parent !== name) visit(parent, [...path, name]);
    }
    done.add(name);
    const auto = table.columns.find((c) => (c as unknown as { autoIncrement?: boolean }).autoIncrement === true);
    out.push({ name, autoKey: auto?.name ?? null });
  };
  for (const t of tables) visit(t.name, []);
  return out;
}

export interface CopyResult {
  readonly tables: number;
  readonly rows: number;
}

/** Names of the target's tables that already hold rows (beyond what the migrations write). */
export async function nonEmptyTables(sql: SQL): Promise<string[]> {
  const out: string[] = [];
  for (const { name } of tablesInOrder()) {
    if (WRITTEN_BY_MIGRATIONS.has(name)) continue;
    const rows = (await sql.unsafe(`SELECT 1 FROM "${name}" LIMIT 1`).values()) as unknown[];
    if (rows.length > 0) out.push(name);
  }
  return out;
}

/**
 * Copies every row of `sqlite` into the migrated, empty PostgreSQL database behind `sql`. `check`
 * runs on the copy inside the transaction; when it throws, nothing is committed.
 */
export async function copySqliteToPostgres(sqlite: Database, sql: SQL, check: (copy: Queries) => Promise<void>): Promise<CopyResult> {
  const conn = await sql.reserve();
  let rows = 0;
  const tables = tablesInOrder();
  try {
    await conn.unsafe("BEGIN");
    try {
      for (const { name, autoKey } of tables) {
        if (WRITTEN_BY_MIGRATIONS.has(name)) continue;
        const statement = sqlite.query(`SELECT * FROM "${name}"`);
        const columns = statement.columnNames;
        const insert = async (batch: unknown[][]) => {
          const values = batch.map((_, r) => `(${columns.map((_c, c) => `$${r * columns.length + c + 1}`).join(", ")})`).join(", ");
          await conn.unsafe(`INSERT INTO "${name}" (${columns.map((c) => `"${c}"`).join(", ")}) VALUES ${values}`, batch.flat());
          rows += batch.length;
        };
        let batch: unknown[][] = [];
        for (const row of statement.iterate() as IterableIterator<Record<string, unknown>>) {
          batch.push(columns.map((c) => row[c] ?? null));
          if (batch.length === ROWS_PER_INSERT) {
            await insert(batch);
            batch = [];
          }
        }
        if (batch.length > 0) await insert(batch);
        statement.finalize();
        if (autoKey) await conn.unsafe(`SELECT setval(pg_get_serial_sequence('"${name}"', '${autoKey}'), coalesce(max("${autoKey}"), 0) + 1, false) FROM "${name}"`);
      }
      await check(createQueries(pgQueryDb(() => conn, { texts: new Map() })));
      await conn.unsafe("COMMIT");
    } catch (error) {
      await conn.unsafe("ROLLBACK").catch(() => {});
      throw error;
    }
  } finally {
    conn.release();
  }
  return { tables: tables.length, rows };
}
