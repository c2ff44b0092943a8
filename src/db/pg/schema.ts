// The PostgreSQL schema, derived from the SQLite one (src/db/schema/) so the two cannot drift:
// same tables, columns, keys and indexes; SQLite's integer is PostgreSQL's bigint (timestamps are
// milliseconds), text stays text (JSON columns hold JSON text on both). drizzle-kit generates
// migrations/postgres/ from this module; test/db/schema-parity.test.ts compares the migrated
// databases themselves.
import { is, type SQL } from "drizzle-orm";
import {
  bigint, bigserial, foreignKey, getTableConfig as getPgTableConfig, index, integer, pgTable, primaryKey, text, uniqueIndex, type AnyPgColumn, type PgColumnBuilderBase, type PgTable,
} from "drizzle-orm/pg-core";
import { getTableConfig, SQLiteTable, type SQLiteColumn } from "drizzle-orm/sqlite-core";
import * as sqlite from "../schema/index.ts";

type Cols = Record<string, AnyPgColumn>;

function columnOf(column: SQLiteColumn): PgColumnBuilderBase {
  const autoIncrement = (column as unknown as { autoIncrement?: boolean }).autoIncrement === true;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the builders differ by type; the column decides
  let builder: any;
  switch (column.getSQLType()) {
    case "integer":
      builder = autoIncrement ? bigserial(column.name, { mode: "number" })
        : column.columnType === "SQLiteBoolean" ? integer(column.name) : bigint(column.name, { mode: "number" });
      break;
    case "text":
      builder = text(column.name);
      break;
    default:
      throw new Error(`no PostgreSQL type for ${column.name}: ${column.getSQLType()}`);
  }
  if (column.primary) builder = builder.primaryKey();
  if (column.notNull && !column.primary) builder = builder.notNull();
  if (column.hasDefault && column.default !== undefined) {
    const value = typeof column.default === "boolean" ? Number(column.default) : column.default;
    builder = builder.default(value);
  }
  return builder as PgColumnBuilderBase;
}

function derive(): Record<string, PgTable> {
  const sqliteTables = Object.entries(sqlite as Record<string, unknown>).filter((entry): entry is [string, SQLiteTable] => is(entry[1], SQLiteTable));
  const byName = new Map<string, PgTable>();
  const out: Record<string, PgTable> = {};
  for (const [exportName, table] of sqliteTables) {
    const config = getTableConfig(table);
    const keyOf = new Map<string, string>();
    const columns: Record<string, PgColumnBuilderBase> = {};
    for (const [key, column] of Object.entries(table as unknown as Record<string, unknown>)) {
      if (config.columns.includes(column as SQLiteColumn)) {
        keyOf.set((column as SQLiteColumn).name, key);
        columns[key] = columnOf(column as SQLiteColumn);
      }
    }
    const pg = pgTable(config.name, columns, (t) => {
      const cols = t as unknown as Cols;
      const col = (c: { name: string }) => cols[keyOf.get(c.name)!]!;
      const extras: unknown[] = [];
      for (const pk of config.primaryKeys) extras.push(primaryKey({ columns: pk.columns.map(col) as [AnyPgColumn, ...AnyPgColumn[]] }));
      for (const fk of config.foreignKeys) {
        const ref = fk.reference();
        const target = byName.get(getTableConfig(ref.foreignTable).name);
        if (!target) throw new Error(`${config.name}: foreign key to ${getTableConfig(ref.foreignTable).name}, declared later`);
        const targetColumns = getPgTableConfig(target).columns;
        const foreign = ref.foreignColumns.map((c) => targetColumns.find((x) => x.name === c.name)!);
        let built = foreignKey({ name: fk.getName(), columns: ref.columns.map(col) as [AnyPgColumn, ...AnyPgColumn[]], foreignColumns: foreign as [AnyPgColumn, ...AnyPgColumn[]] });
        if (fk.onDelete) built = built.onDelete(fk.onDelete);
        extras.push(built);
      }
      for (const ix of config.indexes) {
        const on = ix.config.columns.map((c) => col(c as SQLiteColumn)) as [AnyPgColumn, ...AnyPgColumn[]];
        const built = (ix.config.unique ? uniqueIndex(ix.config.name) : index(ix.config.name)).on(...on);
        extras.push(ix.config.where ? built.where(ix.config.where as SQL) : built);
      }
      return extras as never;
    });
    byName.set(config.name, pg);
    out[exportName] = pg;
  }
  return out;
}

/** Every table, by the same export name as in src/db/schema/. */
export const pgTables = derive();
