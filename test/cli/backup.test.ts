import { afterEach, describe, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { auditCommand } from "../../src/cli/audit.ts";
import { backupCommand, restoreCommand } from "../../src/cli/backup.ts";
import { transact } from "../../src/core/transact.ts";
import { createTestApp, type TestApp } from "../support/app.ts";
import { captureIo } from "../support/capture-io.ts";

let app: TestApp;
let scratch: string;
afterEach(() => {
  rmSync(app.dataDir, { recursive: true, force: true });
  rmSync(scratch, { recursive: true, force: true });
});

async function setup(events = 3): Promise<void> {
  app = await createTestApp();
  for (let i = 0; i < events; i++) await transact(app.ctx(), (_tx, record) => record({ type: "scope.served", subject: `s${i}` }));
  scratch = mkdtempSync(join(tmpdir(), "railyard-backup-test-"));
}

function eventTypes(file: string): string[] {
  const db = new Database(file, { readonly: true });
  try {
    return db.query<{ type: string }, []>("SELECT type FROM audit_events ORDER BY seq").all().map((r) => r.type);
  } finally {
    db.close();
  }
}

describe("railyard backup", () => {
  test("writes a consistent 0600 copy while the app keeps its database open, and records backup.created", async () => {
    await setup();
    const file = join(scratch, "b.sqlite");
    const io = captureIo(scratch);
    expect(await backupCommand([file, "--data-dir", app.dataDir], io)).toBe(0);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(io.out()).toContain("audit key is not in the backup");
    expect(eventTypes(file).filter((t) => t === "scope.served")).toHaveLength(3);
    expect(eventTypes(join(app.dataDir, "railyard.sqlite")).at(-1)).toBe("backup.created");
    await app.close();
  });

  test("the copy holds every write queued before it, though none had committed when it was asked for", async () => {
    await setup(0);
    const pending = Array.from({ length: 20 }, (_, i) => transact(app.ctx(), (_tx, record) => record({ type: "scope.served", subject: `w${i}` })));
    const file = join(scratch, "online.sqlite");
    await app.store.backupTo(file);
    await Promise.all(pending);
    expect(eventTypes(file).filter((t) => t === "scope.served")).toHaveLength(20);
    await app.close();
  });

  test("refuses to overwrite an existing file or write inside the data dir", async () => {
    await setup();
    const file = join(scratch, "exists.sqlite");
    writeFileSync(file, "keep me");
    const io = captureIo(scratch);
    expect(await backupCommand([file, "--data-dir", app.dataDir], io)).toBe(1);
    expect(io.err()).toContain("already exists");
    expect(await backupCommand([join(app.dataDir, "inside.sqlite"), "--data-dir", app.dataDir], io)).toBe(1);
    expect(await backupCommand(["--data-dir", app.dataDir], io)).toBe(2);
    await app.close();
  });
});

describe("railyard restore", () => {
  async function backupAndKey(): Promise<{ file: string; key: string }> {
    await setup();
    const file = join(scratch, "b.sqlite");
    expect(await backupCommand([file, "--data-dir", app.dataDir], captureIo(scratch))).toBe(0);
    await app.close();
    const key = join(scratch, "audit.key.copy");
    copyFileSync(join(app.dataDir, "audit.key"), key);
    return { file, key };
  }

  test("restores into an empty data dir; the restored trail verifies and records backup.restored", async () => {
    const { file, key } = await backupAndKey();
    const target = join(scratch, "restored");
    const io = captureIo(scratch);
    expect(await restoreCommand([file, "--audit-key", key, "--data-dir", target], io)).toBe(0);
    expect(io.out()).toContain("audit trail intact");
    expect(statSync(join(target, "railyard.sqlite")).mode & 0o777).toBe(0o600);
    expect(statSync(join(target, "audit.key")).mode & 0o777).toBe(0o600);
    const verify = captureIo(scratch);
    expect(await auditCommand(["verify", "--data-dir", target], verify)).toBe(0);
    expect(eventTypes(join(target, "railyard.sqlite"))).toContain("backup.restored");
  });

  test("refuses a data dir that is not empty, and leaves it untouched", async () => {
    const { file, key } = await backupAndKey();
    const target = join(scratch, "busy");
    mkdirSync(target, { mode: 0o700 });
    writeFileSync(join(target, "notes.txt"), "x");
    const io = captureIo(scratch);
    expect(await restoreCommand([file, "--audit-key", key, "--data-dir", target], io)).toBe(1);
    expect(io.err()).toContain("not empty");
    expect(readdirSync(target)).toEqual(["notes.txt"]);
  });

  test("refuses a file that is not a Railyard database", async () => {
    const { key } = await backupAndKey();
    const notSqlite = join(scratch, "junk.sqlite");
    writeFileSync(notSqlite, "hello, not a database".repeat(100));
    const otherSqlite = join(scratch, "other.sqlite");
    const db = new Database(otherSqlite);
    db.run("CREATE TABLE t (x)");
    db.close();
    for (const [file, message] of [[notSqlite, "not a SQLite database"], [otherSqlite, "not a Railyard one"]] as const) {
      const target = join(scratch, `t-${Math.random()}`);
      const io = captureIo(scratch);
      expect(await restoreCommand([file, "--audit-key", key, "--data-dir", target], io)).toBe(1);
      expect(io.err()).toContain(message);
      expect(existsSync(join(target, "railyard.sqlite"))).toBe(false);
    }
  });

  test("refuses a backup missing a migration of this version", async () => {
    const { file, key } = await backupAndKey();
    const db = new Database(file);
    db.run("DELETE FROM _migrations WHERE name = '0001_audit_append_only'");
    db.close();
    const io = captureIo(scratch);
    expect(await restoreCommand([file, "--audit-key", key, "--data-dir", join(scratch, "t")], io)).toBe(1);
    expect(io.err()).toContain("lacks migrations");
  });

  test("without --audit-key it explains why the key is needed; with the wrong key nothing is restored", async () => {
    const { file } = await backupAndKey();
    const io = captureIo(scratch);
    expect(await restoreCommand([file, "--data-dir", join(scratch, "t1")], io)).toBe(2);
    expect(io.err()).toContain("--audit-key");
    const wrongKey = join(scratch, "wrong.key");
    writeFileSync(wrongKey, Buffer.from(new Uint8Array(32).fill(7)).toString("base64"));
    const target = join(scratch, "t2");
    const wrong = captureIo(scratch);
    expect(await restoreCommand([file, "--audit-key", wrongKey, "--data-dir", target], wrong)).toBe(1);
    expect(wrong.err()).toContain("does not verify");
    expect(readdirSync(target)).toEqual([]);
  });
});
