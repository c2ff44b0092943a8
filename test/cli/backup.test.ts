import { afterEach, describe, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { auditCommand } from "../../src/cli/audit.ts";
import { backupCommand, backupKeyId, backupMac, MANIFEST_FORMAT, restoreCommand, type BackupManifest } from "../../src/cli/backup.ts";
import { transact } from "../../src/core/transact.ts";
import { createTestApp, seedUser, type TestApp } from "../support/app.ts";
import { captureIo } from "../support/capture-io.ts";

let app: TestApp;
let scratch: string;
afterEach(() => {
  rmSync(app.dataDir, { recursive: true, force: true });
  rmSync(scratch, { recursive: true, force: true });
});

async function setup(events = 3): Promise<void> {
  app = await createTestApp({}, { sqlite: true });
  for (let i = 0; i < events; i++) await transact(app.ctx(), (_tx, record) => record({ type: "scope.served", subject: `s${i}` }));
  scratch = mkdtempSync(join(tmpdir(), "railyard-backup-test-"));
}

function readManifest(file: string): BackupManifest {
  return JSON.parse(readFileSync(`${file}.manifest`, "utf8")) as BackupManifest;
}

/**
 * Writes a manifest with a valid MAC for `file` as it is now, keeping the recorded head, as only a
 * holder of the audit key could (to reach the checks behind the MAC).
 */
function resign(file: string, keyFile: string): void {
  const key = new Uint8Array(Buffer.from(readFileSync(keyFile, "utf8").trim(), "base64"));
  const old = existsSync(`${file}.manifest`) ? readManifest(file) : { headSeq: 0, headHash: null };
  const fields = { format: MANIFEST_FORMAT, bytes: statSync(file).size, headSeq: old.headSeq, headHash: old.headHash };
  writeFileSync(`${file}.manifest`, JSON.stringify({ ...fields, keyId: backupKeyId(key), mac: backupMac(key, file, fields) }));
}

function eventTypes(file: string): string[] {
  const db = new Database(file, { readonly: true });
  try {
    return db.query<{ type: string }, []>("SELECT type FROM audit_events ORDER BY seq").all().map((r) => r.type);
  } finally {
    db.close();
  }
}

describe("railyard backup (copies the SQLite database; PostgreSQL is backed up with pg_dump)", () => {
  test("writes a consistent 0600 copy while the app keeps its database open, and records backup.created", async () => {
    await setup();
    const file = join(scratch, "b.sqlite");
    const io = captureIo(scratch);
    expect(await backupCommand([file, "--data-dir", app.dataDir], io)).toBe(0);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(io.out()).toContain("audit key is not in the backup");
    expect(eventTypes(file).filter((t) => t === "scope.served")).toHaveLength(3);
    expect(eventTypes(join(app.dataDir, "railyard.sqlite")).at(-1)).toBe("backup.created");
    // The manifest next to it: 0600, the backup's chain head, a MAC.
    expect(statSync(`${file}.manifest`).mode & 0o777).toBe(0o600);
    const manifest = readManifest(file);
    const head = new Database(file, { readonly: true }).query<{ seq: number; hash: string }, []>("SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1").get()!;
    expect(manifest).toMatchObject({ format: MANIFEST_FORMAT, bytes: statSync(file).size, headSeq: head.seq, headHash: head.hash });
    expect(manifest.mac).toMatch(/^[0-9a-f]{64}$/);
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
    const manifestOnly = join(scratch, "m.sqlite");
    writeFileSync(`${manifestOnly}.manifest`, "keep me too");
    expect(await backupCommand([manifestOnly, "--data-dir", app.dataDir], io)).toBe(1);
    expect(existsSync(manifestOnly)).toBe(false);
    expect(await backupCommand([join(app.dataDir, "inside.sqlite"), "--data-dir", app.dataDir], io)).toBe(1);
    expect(await backupCommand(["--data-dir", app.dataDir], io)).toBe(2);
    await app.close();
  });
});

describe("railyard restore (into an SQLite data dir; PostgreSQL is restored with pg_restore)", () => {
  async function backupAndKey(events = 3, seed?: () => Promise<void>): Promise<{ file: string; key: string }> {
    await setup(events);
    await seed?.();
    const file = join(scratch, "b.sqlite");
    expect(await backupCommand([file, "--data-dir", app.dataDir], captureIo(scratch))).toBe(0);
    await app.close();
    const key = join(scratch, "audit.key.copy");
    copyFileSync(join(app.dataDir, "audit.key"), key);
    return { file, key };
  }

  /** Restores and expects one refusal line naming `message`, exit 1, and nothing written. */
  async function expectRefused(file: string, key: string, message: string): Promise<void> {
    const target = join(scratch, `t-${crypto.randomUUID()}`);
    const io = captureIo(scratch);
    expect(await restoreCommand([file, "--audit-key", key, "--data-dir", target], io)).toBe(1);
    expect(io.err()).toContain(message);
    expect(io.err().trim().split("\n")).toHaveLength(1);
    expect(io.out()).toBe("");
    expect(existsSync(target)).toBe(false);
  }

  function edit(file: string, ...statements: string[]): void {
    const db = new Database(file);
    try {
      for (const statement of statements) db.run(statement);
    } finally {
      db.close();
    }
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

  test("refuses a file that is not a Railyard database, even with an authentic manifest", async () => {
    const { key } = await backupAndKey();
    const notSqlite = join(scratch, "junk.sqlite");
    writeFileSync(notSqlite, "hello, not a database".repeat(100));
    const otherSqlite = join(scratch, "other.sqlite");
    const db = new Database(otherSqlite);
    db.run("CREATE TABLE t (x)");
    db.close();
    for (const [file, message] of [[notSqlite, "not a SQLite database"], [otherSqlite, "not a Railyard one"]] as const) {
      await expectRefused(file, key, "has no manifest");
      resign(file, key);
      await expectRefused(file, key, message);
    }
  });

  test("refuses a backup missing a migration of this version (an authentic backup of an older version)", async () => {
    const { file, key } = await backupAndKey();
    edit(file, "DELETE FROM _migrations WHERE name = '0001_audit_append_only'");
    resign(file, key);
    await expectRefused(file, key, "lacks migrations");
  });

  test("refuses a backup without its manifest, and writes nothing", async () => {
    const { file, key } = await backupAndKey();
    rmSync(`${file}.manifest`);
    await expectRefused(file, key, "has no manifest");
  });

  test("refuses a backup with its newest 40 events deleted: the MAC fails, and so does the head if the MAC were forged", async () => {
    const { file, key } = await backupAndKey(45);
    const before = eventTypes(file).length;
    edit(file, "DROP TRIGGER audit_events_no_delete", "DELETE FROM audit_events WHERE seq > (SELECT MAX(seq) - 40 FROM audit_events)", "VACUUM");
    expect(eventTypes(file)).toHaveLength(before - 40);
    await expectRefused(file, key, "does not match its manifest's MAC");
    // With a manifest MACed over the shortened file but keeping the recorded head:
    resign(file, key);
    await expectRefused(file, key, "its audit chain ends at seq");
  });

  test("refuses a backup with a person's role edited to owner", async () => {
    const { file, key } = await backupAndKey(3, async () => void (await seedUser(app, "developer", "dev@example.test")));
    edit(file, "UPDATE users SET role = 'owner' WHERE email = 'dev@example.test'");
    await expectRefused(file, key, "does not match its manifest's MAC");
  });

  test("refuses a backup whose manifest was edited (head moved back, MAC kept)", async () => {
    const { file, key } = await backupAndKey();
    const manifest = readManifest(file);
    writeFileSync(`${file}.manifest`, JSON.stringify({ ...manifest, headSeq: manifest.headSeq - 1 }));
    await expectRefused(file, key, "does not match its manifest's MAC");
    writeFileSync(`${file}.manifest`, "{ not json");
    await expectRefused(file, key, "not valid JSON");
  });

  test("without --audit-key it explains why the key is needed; with the wrong key nothing is restored", async () => {
    const { file } = await backupAndKey();
    const io = captureIo(scratch);
    expect(await restoreCommand([file, "--data-dir", join(scratch, "t1")], io)).toBe(2);
    expect(io.err()).toContain("--audit-key");
    const wrongKey = join(scratch, "wrong.key");
    writeFileSync(wrongKey, Buffer.from(new Uint8Array(32).fill(7)).toString("base64"));
    await expectRefused(file, wrongKey, "made with another audit key");
  });
});
