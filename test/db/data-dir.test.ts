// The data dir at start: a lost database is not a first start, a lost audit key is never replaced
// while events exist, a newer or damaged database is refused, new keys are durable, and one server
// holds the dir at a time. Every refusal is one line naming the file and what to do.
import { Database } from "bun:sqlite";
import { afterEach, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync, writeSync, closeSync, unlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DataDirError, LOCK_FILE, loadSecrets, lockDataDir } from "../../src/db/data-dir.ts";
import { openStore } from "../../src/db/store.ts";
import { createTestApp } from "../support/app.ts";

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "railyard-datadir-"));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A data dir as a real start leaves it: keys, head anchor, a database holding audit events. */
async function usedDataDir(): Promise<string> {
  const app = await createTestApp({}, { sqlite: true });
  await app.close();
  dirs.push(app.dataDir);
  expect(existsSync(join(app.dataDir, "audit.head"))).toBe(true);
  return app.dataDir;
}

function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(DataDirError);
    const message = (error as Error).message;
    expect(message.split("\n")).toHaveLength(1);
    return message;
  }
  throw new Error("expected a refusal");
}

const KEY = Buffer.from(new Uint8Array(32).fill(7)).toString("base64") + "\n";

describe("a missing or empty database is not a first start (the SQLite file)", () => {
  test("audit.key without a database: refused before anything is created, saying restore or move aside", () => {
    const dir = tempDir();
    writeFileSync(join(dir, "audit.key"), KEY, { mode: 0o600 });
    const message = refusal(() => loadSecrets(dir));
    expect(message).toContain("audit.key");
    expect(message).toContain("railyard.sqlite is missing");
    expect(message).toContain("restore");
    expect(message).toContain(`move ${dir} aside`);
    expect(existsSync(join(dir, "railyard.sqlite"))).toBe(false);
    expect(existsSync(join(dir, "session.key"))).toBe(false);
  });

  test("audit.head with an empty (0-byte) database file: refused, and no key is created", () => {
    const dir = tempDir();
    writeFileSync(join(dir, "audit.head"), "x".repeat(255) + "\n");
    writeFileSync(join(dir, "railyard.sqlite"), "");
    const message = refusal(() => loadSecrets(dir));
    expect(message).toContain("audit.head");
    expect(message).toContain("railyard.sqlite is empty");
    expect(existsSync(join(dir, "audit.key"))).toBe(false);
  });

  test("a used data dir whose database was deleted is refused", async () => {
    const dir = await usedDataDir();
    for (const suffix of ["", "-wal", "-shm"]) rmSync(join(dir, "railyard.sqlite" + suffix), { force: true });
    expect(refusal(() => loadSecrets(dir))).toContain("holds audit.key and audit.head");
  });

  test("a fresh data dir still starts: keys are created", () => {
    const dir = tempDir();
    const secrets = loadSecrets(dir);
    expect(secrets.auditKey.length).toBe(32);
  });
});

describe("a missing audit key is never replaced while the database holds events (SQLite data dir)", () => {
  test("refused with one line naming the key file, and no key is written", async () => {
    const dir = await usedDataDir();
    unlinkSync(join(dir, "audit.key"));
    const message = refusal(() => loadSecrets(dir));
    expect(message).toContain(join(dir, "audit.key"));
    expect(message).toContain("holds audit events");
    expect(existsSync(join(dir, "audit.key"))).toBe(false);
  });

  test("a missing session key is still replaced (sessions only end)", async () => {
    const dir = await usedDataDir();
    unlinkSync(join(dir, "session.key"));
    expect(loadSecrets(dir).sessionKey.length).toBe(32);
  });

  test.skipIf(!Bun.which("strace"))("new keys are fsynced, and so is the directory that names them", () => {
    const dir = tempDir();
    const trace = join(tempDir(), "trace");
    const script = `import { loadSecrets } from ${JSON.stringify(join(import.meta.dir, "../../src/db/data-dir.ts"))}; loadSecrets(${JSON.stringify(dir)});`;
    const result = Bun.spawnSync(["strace", "-f", "-qq", "-e", "trace=openat,fsync,fdatasync", "-o", trace, process.execPath, "-e", script]);
    expect(result.exitCode).toBe(0);
    const lines = readFileSync(trace, "utf8").split("\n");
    const syncedAfterOpen = (path: string) => {
      const open = lines.findIndex((l) => l.includes(`openat(AT_FDCWD, "${path}", O_WRONLY|O_CREAT|O_EXCL`) || (path === dir && l.includes(`openat(AT_FDCWD, "${path}", O_RDONLY`)));
      if (open === -1) return false;
      const fd = /= (\d+)$/.exec(lines[open]!.trim())?.[1];
      return lines.slice(open + 1).some((l) => new RegExp(`f(data)?sync\\(${fd}\\)\\s+= 0`).test(l));
    };
    expect(syncedAfterOpen(join(dir, "audit.key"))).toBe(true);
    expect(syncedAfterOpen(join(dir, "session.key"))).toBe(true);
    expect(syncedAfterOpen(dir)).toBe(true);
  });
});

describe("a database this version cannot serve is refused at start (the SQLite file)", () => {
  test("one from a newer schema: one line naming the file, the newer migration and the newer Railyard", async () => {
    const dir = await usedDataDir();
    const db = new Database(join(dir, "railyard.sqlite"));
    db.run("INSERT INTO _migrations (name, applied_at) VALUES ('9999_from_the_future', 1)");
    db.close();
    const message = refusal(() => openStore(dir));
    expect(message).toContain("9999_from_the_future");
    expect(message).toContain("newer Railyard");
    expect(message).toContain(join(dir, "railyard.sqlite"));
  });

  test("damaged pages: quick_check fails and the start is refused naming the file", async () => {
    const dir = await usedDataDir();
    const path = join(dir, "railyard.sqlite");
    const pageSize = 4096;
    expect(statSync(path).size).toBeGreaterThan(pageSize * 8);
    const fd = openSync(path, "r+");
    writeSync(fd, Buffer.alloc(pageSize, 0x41), 0, pageSize, pageSize * 5);
    closeSync(fd);
    const message = refusal(() => openStore(dir));
    expect(message).toContain(`the database ${path} is damaged`);
    expect(message).toContain("backup");
  });

  test("a truncated database file is refused naming the file", async () => {
    const dir = await usedDataDir();
    const path = join(dir, "railyard.sqlite");
    truncateSync(path, Math.floor(statSync(path).size / 2));
    expect(refusal(() => openStore(dir))).toContain(`the database ${path} is damaged`);
  });

  test("a file that is not a database at all is refused naming the file", () => {
    const dir = tempDir();
    writeFileSync(join(dir, "railyard.sqlite"), "not a database ".repeat(500));
    expect(refusal(() => openStore(dir))).toContain("file is not a database");
    expect(refusal(() => loadSecrets(dir))).toContain(join(dir, "railyard.sqlite"));
  });
});

describe("one server per data dir (railyard.lock)", () => {
  test("a lock held by a live process is refused with one line naming its pid", async () => {
    const dir = tempDir();
    const holder = Bun.spawn([process.execPath, "-e", `import { lockDataDir } from ${JSON.stringify(join(import.meta.dir, "../../src/db/data-dir.ts"))}; lockDataDir(${JSON.stringify(dir)}); console.log("locked"); setInterval(() => {}, 1000);`], { stdout: "pipe" });
    try {
      const reader = holder.stdout.getReader();
      await reader.read();
      const message = refusal(() => lockDataDir(dir));
      expect(message).toContain(`pid ${holder.pid}`);
      expect(message).toContain(dir);
    } finally {
      holder.kill("SIGKILL");
      await holder.exited;
    }
    // Its process is gone (as after kill -9): the lock is stale and taken over.
    const lock = lockDataDir(dir);
    expect(readFileSync(join(dir, LOCK_FILE), "utf8").split(" ")[0]).toBe(String(process.pid));
    lock.release();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
  });

  test.skipIf(!existsSync("/proc/1/stat"))("a lock whose pid now belongs to another process (its start time differs) is stale", () => {
    const dir = tempDir();
    // pid 1 is alive, but did not start at tick 1 after boot: a recycled pid, not the old server.
    writeFileSync(join(dir, LOCK_FILE), "1 1\n");
    const lock = lockDataDir(dir);
    expect(readFileSync(join(dir, LOCK_FILE), "utf8").split(" ")[0]).toBe(String(process.pid));
    lock.release();
  });
});
