import { Database } from "bun:sqlite";
import { afterEach, describe, expect, test } from "bun:test";
import { mkdtempSync, readdirSync, rmSync, statSync, readFileSync, chmodSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDatabase } from "../../src/db/client.ts";
import { openStore } from "../../src/db/store.ts";
import { MIGRATIONS } from "../../src/db/migrations.ts";
import { migrate } from "../../src/db/migrate.ts";
import { DataDirError, loadSecrets, prepareDataDir } from "../../src/db/data-dir.ts";

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "railyard-db-"));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const setting = (key: string) => ({ key, value: 1, updatedAt: 1, updatedBy: null });

describe("SQLite migrations (PostgreSQL's: test/db/postgres.test.ts)", () => {
  test("the embedded list and the migrations folder name the same files, in order", () => {
    const folder = readdirSync(join(import.meta.dir, "../../migrations")).filter((f) => f.endsWith(".sql")).sort();
    expect(MIGRATIONS.map((m) => `${m.name}.sql`)).toEqual(folder);
    for (const m of MIGRATIONS) expect(m.sql).toBe(readFileSync(join(import.meta.dir, "../../migrations", `${m.name}.sql`), "utf8"));
  });

  test("the drizzle-kit journal lists every migration by its explicit name", () => {
    const journal = JSON.parse(readFileSync(join(import.meta.dir, "../../migrations/meta/_journal.json"), "utf8"));
    expect(journal.entries.map((e: { tag: string }) => e.tag)).toEqual(MIGRATIONS.map((m) => m.name));
    for (const m of MIGRATIONS) expect(m.name).toMatch(/^\d{4}_[a-z0-9_]+$/);
  });

  test("migrations are applied once and tracked by name", async () => {
    const dir = tempDir();
    const first = openStore(dir);
    expect(first.migrationsApplied).toEqual(MIGRATIONS.map((m) => m.name));
    expect(await first.store.ready()).toBe(true);
    await first.store.close();
    const second = openStore(dir);
    expect(second.migrationsApplied).toEqual([]);
    await second.store.close();
  });

  test("a failing migration is rolled back whole and not recorded", () => {
    const db = new Database(":memory:");
    expect(() => migrate(db, [{ name: "0000_bad", sql: "CREATE TABLE a (x);\n--> statement-breakpoint\nNOT SQL" }])).toThrow();
    expect(db.query("SELECT name FROM sqlite_master WHERE name = 'a'").get()).toBeNull();
    expect(db.query("SELECT count(*) AS n FROM _migrations").get()).toEqual({ n: 0 });
  });
});

describe("the embedded SQLite store", () => {
  test("pragmas: WAL, synchronous=FULL, foreign keys on, busy timeout", async () => {
    const dir = tempDir();
    const { store } = openStore(dir);
    await store.close();
    const db = new Database(join(dir, "railyard.sqlite"));
    expect(db.query("PRAGMA journal_mode").get()).toEqual({ journal_mode: "wal" });
    db.close();
    // Connection-level pragmas are checked on a connection opened the same way.
    const conn = openDatabase(join(dir, "railyard.sqlite"));
    expect(conn.query("PRAGMA synchronous").get()).toEqual({ synchronous: 2 });
    expect(conn.query("PRAGMA foreign_keys").get()).toEqual({ foreign_keys: 1 });
    expect((conn.query("PRAGMA busy_timeout").get() as { timeout: number }).timeout).toBeGreaterThan(0);
    conn.close();
  });

  test("writes go through the write path; the read handle refuses to write", async () => {
    const { store } = openStore(tempDir());
    await store.write((tx) => tx.settings.put(setting("a")));
    expect(await store.read.settings.all()).toHaveLength(1);
    await expect(store.read.settings.put(setting("b"))).rejects.toThrow();
    expect(await store.read.settings.all()).toHaveLength(1);
    await store.close();
  });

  test("a write that throws leaves nothing behind", async () => {
    const { store } = openStore(tempDir());
    await expect(store.write(async (tx) => {
      await tx.settings.put(setting("c"));
      throw new Error("boom");
    })).rejects.toThrow("boom");
    expect(await store.read.settings.all()).toHaveLength(0);
    await store.close();
  });

  test("audit events cannot be updated or deleted through SQL", async () => {
    const dir = tempDir();
    const { store } = openStore(dir);
    await store.close();
    // The triggers live in the database itself: any connection is refused.
    const db = openDatabase(join(dir, "railyard.sqlite"));
    db.run("INSERT INTO audit_events (seq, at, type, actor_kind, meta, prev_hash, hash) VALUES (1, 1, 'system.started', 'system', '{}', 'p', 'h')");
    expect(() => db.run("UPDATE audit_events SET type = 'x'")).toThrow("append-only");
    expect(() => db.run("DELETE FROM audit_events")).toThrow("append-only");
    expect(db.query("SELECT type FROM audit_events").all()).toEqual([{ type: "system.started" }]);
    db.close();
  });

  test("database files are private to the user (0600)", async () => {
    const dir = tempDir();
    const { store } = openStore(dir);
    await store.write((tx) => tx.settings.put(setting("d")));
    for (const f of readdirSync(dir).filter((f) => f.startsWith("railyard.sqlite"))) {
      expect((statSync(join(dir, f)).mode & 0o777).toString(8)).toBe("600");
    }
    await store.close();
  });
});

describe("the data dir, with its SQLite database", () => {
  test("is created 0700 when missing", () => {
    const dir = join(tempDir(), "nested", "data");
    prepareDataDir(dir);
    expect((statSync(dir).mode & 0o777).toString(8)).toBe("700");
  });

  test("is refused when writable by group or others, with the fix in the message", () => {
    const dir = join(tempDir(), "open");
    mkdirSync(dir);
    chmodSync(dir, 0o775);
    expect(() => prepareDataDir(dir)).toThrow(DataDirError);
    expect(() => prepareDataDir(dir)).toThrow(`chmod 700 ${dir}`);
  });

  test("a path that is a file is refused, naming --data-dir", () => {
    const file = join(tempDir(), "file");
    Bun.write(file, "x");
    expect(() => prepareDataDir(file)).toThrow("--data-dir");
  });

  test("secrets are generated once into 0600 files and stay stable", async () => {
    const dir = tempDir();
    const first = loadSecrets(dir);
    // As at every start: the database follows the keys (keys without a database are refused).
    await openStore(dir).store.close();
    const second = loadSecrets(dir);
    expect(first.sessionKey.length).toBe(32);
    expect(Buffer.from(first.auditKey).equals(Buffer.from(second.auditKey))).toBe(true);
    expect(Buffer.from(first.auditKey).equals(Buffer.from(first.sessionKey))).toBe(false);
    for (const f of ["session.key", "audit.key"]) expect((statSync(join(dir, f)).mode & 0o777).toString(8)).toBe("600");
  });

  test("secrets never enter the database", async () => {
    const dir = tempDir();
    const secrets = loadSecrets(dir);
    const { store } = openStore(dir);
    await store.close();
    const bytes = readFileSync(join(dir, "railyard.sqlite"));
    for (const key of [secrets.auditKey, secrets.sessionKey]) {
      expect(bytes.includes(Buffer.from(key))).toBe(false);
      expect(bytes.includes(Buffer.from(Buffer.from(key).toString("base64")))).toBe(false);
    }
  });
});
