// The PostgreSQL backend's own promises. The rest of the suite runs on it too (npm run
// test:postgres); these tests look at what only PostgreSQL has: its schema kept in step with the
// SQLite one, its start-up refusals, its triggers, and the statement translation.
import { Database } from "bun:sqlite";
import { describe, expect, test } from "bun:test";
import { SQL } from "bun";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { auditCommand } from "../../src/cli/audit.ts";
import { backupCommand } from "../../src/cli/backup.ts";
import { extractFlags, loadConfig } from "../../src/config.ts";
import { migrate } from "../../src/db/migrate.ts";
import { openBackend } from "../../src/db/open.ts";
import { PG_MIGRATIONS } from "../../src/db/pg/migrations.ts";
import { migratePg } from "../../src/db/pg/store.ts";
import { pgTables } from "../../src/db/pg/schema.ts";
import * as exported from "../../src/db/pg/schema-tables.ts";
import { toPostgres } from "../../src/db/pg/translate.ts";
import { startCluster } from "../../scripts/pg-cluster.ts";
import { makeTestCa } from "../stream/receivers.ts";
import { createTestApp } from "../support/app.ts";
import { createTestDatabase, dropTestDatabase, onPostgres, psql } from "../support/backend.ts";
import { transact } from "../../src/core/transact.ts";
import { captureIo } from "../support/capture-io.ts";

const needsServer = "(needs a PostgreSQL server: npm run test:postgres)";

describe("the PostgreSQL schema is derived from the SQLite one", () => {
  test("every SQLite table has its derived table, and drizzle-kit's schema file exports each", () => {
    const names = Object.keys(pgTables).sort();
    expect(names.length).toBeGreaterThan(20);
    expect(Object.keys(exported).sort()).toEqual(names);
  });

  test("the embedded list and migrations/postgres name the same files, in order", () => {
    const folder = readdirSync(join(import.meta.dir, "../../migrations/postgres")).filter((f) => f.endsWith(".sql")).sort();
    expect(PG_MIGRATIONS.map((m) => `${m.name}.sql`)).toEqual(folder);
  });
});

describe("statement translation (SQLite's spellings to PostgreSQL's, once per statement)", () => {
  test("parameters are numbered, optional filters typed, id lists and JSON aggregates rewritten", () => {
    expect(toPostgres(`select "a" from "t" where (? IS NULL OR "s" = ?) and "id" IN (SELECT value FROM json_each(?)) limit ?`))
      .toBe(`select "a" from "t" where ($1::text IS NULL OR "s" = $2) and "id" IN (SELECT value FROM json_array_elements_text($3::text::json)) limit $4`);
    expect(toPostgres(`select json_group_object("role", "level"), max("a", ?), max("b"), CAST("at" / ? AS INTEGER)`))
      .toBe(`select coalesce(json_object_agg("role", "level")::text, '{}'), greatest("a", $1), max("b"), CAST(trunc("at" / $2) AS BIGINT)`);
    expect(toPostgres(`select json_extract("d"."detail", '$.holder_run_id') from "d"`)).toBe(`select ("d"."detail"::json ->> 'holder_run_id') from "d"`);
  });

  test("literals and quoted names are copied as they are, a ? inside them included", () => {
    expect(toPostgres(`select 'why?' , "odd?name" from "t" where "x" = ?`)).toBe(`select 'why?' , "odd?name" from "t" where "x" = $1`);
    expect(toPostgres(`select 'it''s ?' where "a" = ?`)).toBe(`select 'it''s ?' where "a" = $1`);
  });

  test("an auto-increment key inserted as null takes its sequence's next value; conflict targets are bare", () => {
    expect(toPostgres(`insert into "run_claims" ("id", "project_id") values (null, ?) on conflict ("run_claims"."project_id") do nothing`))
      .toBe(`insert into "run_claims" ("id", "project_id") values (DEFAULT, $1) on conflict ("project_id") do nothing`);
    expect(toPostgres(`insert into "users" ("id", "name") values (?, null)`)).toBe(`insert into "users" ("id", "name") values ($1, null)`);
  });
});

/** Columns and indexes of a migrated database, in one shape for both backends. */
interface Shape {
  columns: string[];
  indexes: string[];
}

function sqliteShape(): Shape {
  const dir = mkdtempSync(join(tmpdir(), "railyard-parity-"));
  const db = new Database(join(dir, "p.sqlite"));
  try {
    migrate(db);
    const tables = db.query<{ name: string }, []>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> '_migrations'").all().map((r) => r.name);
    const columns: string[] = [];
    const indexes: string[] = [];
    for (const t of tables) {
      for (const c of db.query<{ name: string; type: string; notnull: number; pk: number }, []>(`SELECT name, type, "notnull", pk FROM pragma_table_info('${t}')`).all()) {
        columns.push(`${t}.${c.name} ${c.type.toLowerCase() === "integer" ? "integer" : "text"}${c.notnull || c.pk ? " not null" : ""}${c.pk ? " key" : ""}`);
      }
      for (const ix of db.query<{ name: string; unique: number; partial: number; origin: string }, []>(`SELECT name, "unique", partial, origin FROM pragma_index_list('${t}')`).all()) {
        if (ix.origin === "pk") continue;
        const on = db.query<{ name: string }, []>(`SELECT name FROM pragma_index_info('${ix.name}') ORDER BY seqno`).all().map((r) => r.name);
        indexes.push(`${t}: ${ix.origin === "u" ? `(unique constraint)` : ix.name} (${on.join(",")})${ix.unique ? " unique" : ""}${ix.partial ? " partial" : ""}`);
      }
    }
    return { columns: columns.sort(), indexes: indexes.sort() };
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function postgresShape(sql: SQL): Promise<Shape> {
  const columns = (await sql.unsafe(`SELECT table_name AS t, column_name AS c, data_type AS type, is_nullable AS nullable,
      EXISTS (SELECT 1 FROM information_schema.table_constraints tc JOIN information_schema.key_column_usage k USING (constraint_name, table_name)
              WHERE tc.constraint_type = 'PRIMARY KEY' AND tc.table_name = c.table_name AND k.column_name = c.column_name) AS pk
    FROM information_schema.columns c WHERE table_schema = 'public' AND table_name NOT IN ('_migrations', 'rate_windows')`)) as { t: string; c: string; type: string; nullable: string; pk: boolean }[];
  const indexes = (await sql.unsafe(`SELECT t.relname AS t, i.relname AS name, ix.indisunique AS uniq, ix.indpred IS NOT NULL AS partial, ix.indisprimary AS primary,
      (SELECT string_agg(a.attname, ',' ORDER BY k.n) FROM unnest(ix.indkey) WITH ORDINALITY k(attnum, n) JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum) AS cols
    FROM pg_index ix JOIN pg_class i ON i.oid = ix.indexrelid JOIN pg_class t ON t.oid = ix.indrelid JOIN pg_namespace ns ON ns.oid = t.relnamespace
    WHERE ns.nspname = 'public' AND t.relname NOT IN ('_migrations', 'rate_windows')`)) as { t: string; name: string; uniq: boolean; partial: boolean; primary: boolean; cols: string }[];
  // rate_windows is PostgreSQL only (migration 0002): several nodes share the key rate limits there.
  return {
    columns: columns.map((c) => `${c.t}.${c.c} ${c.type === "bigint" || c.type === "integer" ? "integer" : "text"}${c.nullable === "NO" ? " not null" : ""}${c.pk ? " key" : ""}`).sort(),
    indexes: indexes.filter((i) => !i.primary)
      // PostgreSQL only: writers on several nodes, so a unique prev_hash backs the chain lock (migration 0001).
      .filter((i) => i.name !== "audit_events_prev_hash_unique")
      .map((i) => `${i.t}: ${i.name} (${i.cols})${i.uniq ? " unique" : ""}${i.partial ? " partial" : ""}`).sort(),
  };
}

describe.skipIf(!onPostgres)(`PostgreSQL ${needsServer}`, () => {
  test("a migrated PostgreSQL database has the SQLite database's tables, columns, types, keys and indexes", async () => {
    const url = await createTestDatabase();
    const app = await createTestApp({ "database-url": url });
    const sql = new SQL(url, { max: 1 });
    try {
      const pg = await postgresShape(sql);
      const lite = sqliteShape();
      expect(pg.columns).toEqual(lite.columns);
      expect(pg.indexes).toEqual(lite.indexes);
    } finally {
      await sql.close();
      await app.dispose();
      await dropTestDatabase(url);
    }
  });

  test("a database written by a newer Railyard is refused at start with one line, naming the migration", async () => {
    const url = await createTestDatabase();
    const first = await createTestApp({ "database-url": url });
    await first.close();
    const sql = new SQL(url, { max: 1 });
    await sql.unsafe("INSERT INTO _migrations (name, applied_at) VALUES ('9999_from_the_future', 1)");
    await sql.close();
    const error = await createTestApp({ "database-url": url, "data-dir": first.dataDir }).then(() => null, (e: Error) => e);
    expect(error?.message).toContain("9999_from_the_future");
    expect(error?.message).toContain("newer Railyard");
    expect(error?.message).not.toContain("postgres://");
    rmSync(first.dataDir, { recursive: true, force: true });
    await dropTestDatabase(url);
  });

  const openWith = async (databaseUrl: string) => {
    const dir = mkdtempSync(join(tmpdir(), "railyard-pg-start-"));
    try {
      const config = loadConfig(extractFlags(["--data-dir", dir, "--database-url", databaseUrl]).flags, {}, dir);
      const opened = await openBackend(config);
      await opened.store.close();
      return null;
    } catch (error) {
      return (error as Error).message;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };

  test("a refused connection, a wrong user and a missing database each stop the start with one line naming --database-url, never the password", async () => {
    const server = new URL(process.env.RAILYARD_TEST_DATABASE_URL!);
    const refused = await openWith(`postgres://railyard:s3cret-pw@127.0.0.1:1/postgres`);
    expect(refused).toContain("--database-url: cannot connect to PostgreSQL at 127.0.0.1:1/postgres");
    const wrongUser = await openWith(`postgres://nobody:s3cret-pw@${server.host}/postgres`);
    expect(wrongUser).toContain("--database-url: PostgreSQL at");
    expect(wrongUser).toContain("refused the user or password");
    const missing = await openWith(`postgres://railyard:s3cret-pw@${server.host}/no_such_db`);
    expect(missing).toContain("no_such_db");
    expect(missing).toContain("createdb");
    for (const message of [refused, wrongUser, missing]) {
      expect(message).not.toContain("s3cret-pw");
      expect(message!.split("\n")).toHaveLength(1);
    }
  });

  test("two nodes starting at once on an empty database apply each migration once: one applies them all, the other finds them applied", async () => {
    const url = await createTestDatabase();
    const [a, b] = [new SQL(url), new SQL(url)];
    try {
      const results = await Promise.all([migratePg(a), migratePg(b)]);
      const names = PG_MIGRATIONS.map((m) => m.name);
      expect(results.map((r) => r.length).sort((x, y) => x - y)).toEqual([0, names.length]);
      expect(results.find((r) => r.length > 0)).toEqual(names);
      expect(psql(url, "SELECT name, count(*) AS n FROM _migrations GROUP BY name ORDER BY name")).toEqual([...names].sort().map((name) => ({ name, n: 1 })));
    } finally {
      await a.close();
      await b.close();
      await dropTestDatabase(url);
    }
  });

  test("the chain cannot fork: a second event naming the same predecessor is refused by the unique prev_hash index", async () => {
    const app = await createTestApp();
    const url = app.config.databaseUrl!;
    try {
      await transact(app.ctx(), (_tx, record) => record({ type: "system.started", meta: { version: null } }));
      const [head] = psql(url, "SELECT seq, prev_hash AS prevHash FROM audit_events ORDER BY seq DESC LIMIT 1") as { seq: number; prevHash: string }[];
      expect(() => psql(url, "INSERT INTO audit_events (seq, at, type, actor_kind, meta, prev_hash, hash) VALUES (?1, 1, 'system.started', 'system', '{}', ?2, ?3)", [head!.seq + 1, head!.prevHash, "f".repeat(64)]))
        .toThrow(/audit_events_prev_hash_unique/);
      expect(psql(url, "SELECT count(*) AS n FROM audit_events WHERE seq = ?1", [head!.seq + 1])).toEqual([{ n: 0 }]);
    } finally {
      await app.dispose();
    }
  });

  test("railyard audit verify --database-url verifies the shared trail; railyard backup says to use pg_dump", async () => {
    const app = await createTestApp();
    await app.close();
    const io = captureIo(app.dataDir);
    const args = ["--data-dir", app.dataDir, "--database-url", app.config.databaseUrl!];
    expect(await auditCommand(["verify", ...args], { ...io, env: {} })).toBe(0);
    expect(io.out()).toContain("audit trail intact");
    const backup = captureIo(app.dataDir);
    const elsewhere = mkdtempSync(join(tmpdir(), "railyard-pg-backup-"));
    expect(await backupCommand([join(elsewhere, "copy.sqlite"), ...args], { ...backup, env: {} })).toBe(1);
    expect(backup.err()).toContain("pg_dump");
    expect(readdirSync(elsewhere)).toEqual([]);
    rmSync(elsewhere, { recursive: true, force: true });
    rmSync(app.dataDir, { recursive: true, force: true });
    await dropTestDatabase(app.config.databaseUrl!);
  });
});

describe.skipIf(!onPostgres)(`TLS to PostgreSQL (a private cluster with a test CA; ${needsServer})`, () => {
  test("verify-full with --database-ca-file connects; a wrong password, an unknown CA and no TLS each stop the start with one line", async () => {
    const dir = mkdtempSync(join(tmpdir(), "railyard-pg-tls-"));
    const { caFile, certFile, keyFile } = await makeTestCa(dir);
    const cluster = await startCluster({ tls: { certFile, keyFile, password: "Synthetic-db-pass-9" } });
    try {
      const url = new URL(cluster.url);
      const withMode = (mode: string, password = "Synthetic-db-pass-9") => {
        const u = new URL(url);
        u.password = password;
        u.searchParams.set("sslmode", mode);
        return u.toString();
      };
      const start = async (databaseUrl: string, caFile: string | null) => {
        const data = mkdtempSync(join(tmpdir(), "railyard-pg-tls-data-"));
        try {
          const flags = ["--data-dir", data, "--database-url", databaseUrl, ...(caFile ? ["--database-ca-file", caFile] : [])];
          const opened = await openBackend(loadConfig(extractFlags(flags).flags, {}, data));
          expect(opened.backend).toBe("postgres");
          await opened.store.close();
          return null;
        } catch (error) {
          return (error as Error).message;
        } finally {
          rmSync(data, { recursive: true, force: true });
        }
      };
      expect(await start(withMode("verify-full"), caFile)).toBeNull();
      const wrongPassword = await start(withMode("verify-full", "not-the-pass-7"), caFile);
      expect(wrongPassword).toContain("refused the user or password");
      const unknownCa = await start(withMode("verify-full"), null);
      expect(unknownCa).toContain("--database-url: TLS to PostgreSQL");
      expect(unknownCa).toContain("--database-ca-file");
      const plain = await start(withMode("disable"), null);
      expect(plain).toContain("--database-url: PostgreSQL at");
      expect(plain).toContain("does not accept this connection");
      expect(plain).toContain("sslmode");
      for (const message of [wrongPassword, unknownCa, plain]) {
        expect(message!.split("\n")).toHaveLength(1);
        expect(message).not.toContain("Synthetic-db-pass-9");
        expect(message).not.toContain("not-the-pass-7");
      }
    } finally {
      cluster.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

test("a bad --database-url is refused by the configuration with one line, never echoing it", () => {
  const bad = (value: string) => {
    try {
      loadConfig(extractFlags(["--database-url", value]).flags, {}, "/tmp");
      return null;
    } catch (error) {
      return (error as Error).message;
    }
  };
  expect(bad("mysql://u:s3cret@h/db")).toContain("invalid --database-url: the URL must start with postgres://");
  expect(bad("not a url s3cret")).toContain("invalid --database-url: not a URL");
  expect(bad("postgres://u:s3cret@h/db?sslmode=sometimes")).toContain("sslmode must be one of disable, require, verify-ca, verify-full");
  for (const value of ["mysql://u:s3cret@h/db", "not a url s3cret", "postgres://u:s3cret@h/db?sslmode=sometimes"]) expect(bad(value)).not.toContain("s3cret");
});
