// The fault suite: real `railyard serve` processes killed with SIGKILL under load (every
// acknowledged write must survive and the trail must verify), stopped with signals while streams,
// long polls and requests are open, started on damaged data dirs, beside another server, on a port
// in use, and on a full disk (a small tmpfs, when running as root).
import { Database } from "bun:sqlite";
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, truncateSync, unlinkSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { acknowledged, callToolAt, processEnv, runCli, startServer, type Server } from "../support/processes.ts";

const main = join(import.meta.dir, "../../src/main.ts");
const env = processEnv;
const cli = runCli;
const callTool = callToolAt;
const PASSWORD = "a-long-synthetic-passphrase";

const roots: string[] = [];
function tempRoot(): string {
  const dir = mkdtempSync(join(tmpdir(), "railyard-faults-"));
  roots.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of roots.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A developer with a plugin key (through the CLI) and a project (through the core), on a new data dir. */
function seed(dataDir: string): { key: string } {
  const user = cli(["users", "create", "--data-dir", dataDir, "--email", "dev@example.test", "--role", "developer", "--password-stdin"], PASSWORD);
  expect(user.code).toBe(0);
  const owner = cli(["users", "create", "--data-dir", dataDir, "--email", "owner@example.test", "--role", "owner", "--password-stdin"], PASSWORD);
  expect(owner.code).toBe(0);
  const key = cli(["keys", "create", "--data-dir", dataDir, "--email", "dev@example.test", "--name", "fault agent"]);
  expect(key.code).toBe(0);
  // In a process of its own, like the CLI: no connection of it lingers in the test process (one
  // would hold a lock the read-only verify below has to wait for).
  const src = join(import.meta.dir, "../../src");
  const script = `
    import { createServices } from "${src}/app.ts";
    import { extractFlags, loadConfig } from "${src}/config.ts";
    import { SYSTEM, withActor } from "${src}/core/context.ts";
    import { createProject } from "${src}/core/project/create-project.ts";
    import { createLogger } from "${src}/logger.ts";
    const dir = ${JSON.stringify(dataDir)};
    const { services } = await createServices({ config: loadConfig(extractFlags(["--data-dir", dir]).flags, {}, dir), logger: createLogger("warn") });
    await createProject({ ctx: withActor(services, SYSTEM), input: { slug: "shop", name: "Shop" } });
    await services.store.close();`;
  expect(Bun.spawnSync([process.execPath, "-e", script], { env, stderr: "inherit" }).exitCode).toBe(0);
  return { key: key.stdout.trim() };
}

/** Rows of one query on the database file, through a connection closed completely afterwards (none lingers). */
function queryDb<T>(dataDir: string, text: string, ...params: string[]): T[] {
  const db = new Database(join(dataDir, "railyard.sqlite"), { readonly: true });
  const statement = db.prepare<T, string[]>(text);
  try {
    return statement.all(...params);
  } finally {
    statement.finalize();
    db.close(true);
  }
}

function missingRuns(dataDir: string, runIds: readonly string[]): string[] {
  const found = new Set(
    queryDb<{ id: string }>(
      dataDir,
      "SELECT r.id FROM runs r WHERE r.id IN (SELECT value FROM json_each(?)) AND EXISTS (SELECT 1 FROM audit_events e WHERE e.type = 'run.started' AND e.run_id = r.id)",
      JSON.stringify(runIds),
    ).map((r) => r.id),
  );
  return runIds.filter((id) => !found.has(id));
}

const oneLine = (text: string) => text.trim().split("\n");
const hasStack = (text: string) => /^\s+at .+[:(]/m.test(text) || /\|\s{2,}\S/.test(text);

describe("kill -9 under load (the embedded SQLite database; PostgreSQL: test/e2e/two-nodes.test.ts)", () => {
  test("6 rounds of SIGKILL mid-load: every acknowledged run survives each restart, and the audit trail verifies (beside the server)", async () => {
    const dataDir = join(tempRoot(), "data");
    const { key } = seed(dataDir);
    const acked: string[] = [];
    let server = await startServer(dataDir);
    for (let round = 0; round < 6; round++) {
      let stop = false;
      const worker = async () => {
        for (let i = 0; !stop && i < 500; i++) {
          try {
            const started = acknowledged(await callTool(server.url, key, "start_run", { project: "shop", title: `round ${round} call ${i}` }));
            if (started?.run_id) acked.push(started.run_id);
          } catch {
            return; // The server died mid-call: that call was not acknowledged.
          }
        }
      };
      const workers = Array.from({ length: 8 }, worker);
      // Mid-load: once this round's calls are being answered (a busy machine can take a while to
      // answer the first), then after a random moment.
      const before = acked.length;
      for (const until = Date.now() + 15_000; acked.length === before && Date.now() < until; ) await Bun.sleep(10);
      await Bun.sleep(50 + Math.floor(Math.random() * 250));
      server.proc.kill("SIGKILL");
      await server.exited();
      stop = true;
      await Promise.all(workers);
      expect(acked.length).toBeGreaterThan(0);
      // Restart on the same data dir (its lock is stale now) and check every acknowledged write.
      server = await startServer(dataDir);
      expect(missingRuns(dataDir, acked)).toEqual([]);
    }
    const verify = cli(["audit", "verify", "--data-dir", dataDir]);
    expect(verify.stdout).toContain("audit trail intact");
    expect(verify.code).toBe(0);
    server.proc.kill("SIGTERM");
    expect(await server.exited()).toBe(0);
    expect(missingRuns(dataDir, acked)).toEqual([]);
    expect(new Set(acked).size).toBe(acked.length);
  }, 60_000);
});

describe("damaged data dirs (SQLite files) are refused at start with one line naming the file", () => {
  let used: string;
  beforeAll(async () => {
    used = join(tempRoot(), "used");
    seed(used);
  });

  /** A copy of the seeded data dir, damaged by `damage`. */
  function damaged(damage: (dir: string) => void): string {
    const dir = join(tempRoot(), "copy");
    expect(Bun.spawnSync(["cp", "-a", used, dir]).exitCode).toBe(0);
    damage(dir);
    return dir;
  }

  function refusedStart(dir: string): string {
    const result = cli(["serve", "--data-dir", dir, "--port", "0"]);
    expect(result.stdout).not.toContain("railyard listening");
    expect(result.stdout + result.stderr).not.toContain("setup#token=");
    expect(result.code).toBe(2);
    expect(hasStack(result.stderr)).toBe(false);
    expect(oneLine(result.stderr)).toHaveLength(1);
    return result.stderr;
  }

  test("a truncated database", () => {
    const dir = damaged((d) => truncateSync(join(d, "railyard.sqlite"), Math.floor(statSync(join(d, "railyard.sqlite")).size / 2)));
    expect(refusedStart(dir)).toContain(`the database ${join(dir, "railyard.sqlite")} is damaged`);
  });

  test("a database with overwritten pages (quick_check fails)", () => {
    const dir = damaged((d) => {
      const fd = openSync(join(d, "railyard.sqlite"), "r+");
      writeSync(fd, Buffer.alloc(4096 * 2, 0x5a), 0, 4096 * 2, 4096 * 4);
      closeSync(fd);
    });
    const line = refusedStart(dir);
    expect(line).toContain(join(dir, "railyard.sqlite"));
    expect(line).toContain("damaged");
  });

  test("a database replaced by another file", () => {
    const dir = damaged((d) => Bun.spawnSync(["sh", "-c", `head -c 65536 /dev/urandom > ${join(d, "railyard.sqlite")}`]));
    expect(refusedStart(dir)).toContain(join(dir, "railyard.sqlite"));
  });

  test("a deleted database (audit.key and audit.head left): not a first start, no setup link, no new database", () => {
    const dir = damaged((d) => rmSync(join(d, "railyard.sqlite")));
    const line = refusedStart(dir);
    expect(line).toContain("railyard.sqlite is missing");
    expect(line).toContain("restore");
    expect(existsSync(join(dir, "railyard.sqlite"))).toBe(false);
  });

  test("an empty database file (audit.key left)", () => {
    const dir = damaged((d) => {
      for (const s of ["", "-wal", "-shm"]) rmSync(join(d, "railyard.sqlite" + s), { force: true });
      closeSync(openSync(join(d, "railyard.sqlite"), "w"));
    });
    expect(refusedStart(dir)).toContain("railyard.sqlite is empty");
  });

  test("a missing audit key while events exist: serve and audit verify both refuse, and no key is created", () => {
    const dir = damaged((d) => unlinkSync(join(d, "audit.key")));
    expect(refusedStart(dir)).toContain(`${join(dir, "audit.key")} is missing but the database holds audit events`);
    const verify = cli(["audit", "verify", "--data-dir", dir]);
    expect(verify.code).toBe(2);
    expect(oneLine(verify.stderr)).toHaveLength(1);
    expect(existsSync(join(dir, "audit.key"))).toBe(false);
  });

  test("a database from a newer Railyard: names the migration and says to run the newer version", () => {
    const dir = damaged((d) => {
      const db = new Database(join(d, "railyard.sqlite"));
      db.run("INSERT INTO _migrations (name, applied_at) VALUES ('0999_newer_schema', 1)");
      db.close();
    });
    const line = refusedStart(dir);
    expect(line).toContain("0999_newer_schema");
    expect(line).toContain("run the newer Railyard");
  });
});

describe("one server per data dir, and a port in use", () => {
  test("a second serve on the same data dir is refused naming the first one's pid; CLI commands keep working beside it", async () => {
    const root = tempRoot();
    const dataDir = join(root, "data");
    seed(dataDir);
    const server = await startServer(dataDir);
    try {
      const second = cli(["serve", "--data-dir", dataDir, "--port", "0"]);
      expect(second.code).toBe(2);
      expect(oneLine(second.stderr)).toHaveLength(1);
      expect(second.stderr).toContain(`pid ${server.proc.pid}`);
      expect(second.stdout).not.toContain("railyard listening");

      expect(cli(["users", "create", "--data-dir", dataDir, "--email", "beside@example.test", "--role", "lead", "--password-stdin"], PASSWORD).code).toBe(0);
      expect(cli(["keys", "create", "--data-dir", dataDir, "--email", "beside@example.test", "--name", "beside"]).code).toBe(0);
      expect(cli(["audit", "verify", "--data-dir", dataDir]).code).toBe(0);
      expect(cli(["backup", join(root, "backup.sqlite"), "--data-dir", dataDir]).code).toBe(0);
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    } finally {
      server.proc.kill("SIGTERM");
    }
    expect(await server.exited()).toBe(0);
    expect(existsSync(join(dataDir, "railyard.lock"))).toBe(false);
  }, 30_000);

  test("a port in use: one line naming the address and the cause, exit 1, no stack", async () => {
    const first = await startServer(join(tempRoot(), "a"));
    try {
      const dir = join(tempRoot(), "b");
      const result = cli(["serve", "--data-dir", dir, "--host", "127.0.0.1", "--port", String(first.port)]);
      expect(result.code).toBe(1);
      expect(oneLine(result.stderr)).toHaveLength(1);
      expect(result.stderr).toContain(`cannot listen on 127.0.0.1:${first.port}: the port is in use`);
      expect(hasStack(result.stderr)).toBe(false);
      // It took no lock with it: the data dir starts at once.
      const again = await startServer(dir);
      again.proc.kill("SIGTERM");
      expect(await again.exited()).toBe(0);
    } finally {
      first.proc.kill("SIGTERM");
      await first.exited();
    }
  }, 30_000);
});

describe("signals during shutdown (on the embedded SQLite database)", () => {
  test("a second SIGTERM during the drain is logged and ignored: the in-flight request is answered, system.stopped is recorded, exit 0", async () => {
    const dataDir = join(tempRoot(), "data");
    const server = await startServer(dataDir);
    const body = JSON.stringify({ email: "nobody@example.test", password: "not-the-password-1234" });
    let answer = "";
    let closed!: () => void;
    const done = new Promise<void>((r) => (closed = r));
    const socket = await Bun.connect({
      hostname: "127.0.0.1",
      port: server.port,
      socket: {
        data(_s, chunk) {
          answer += chunk.toString();
        },
        close() {
          closed();
        },
      },
    });
    socket.write(`POST /api/auth/login HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nContent-Type: application/json\r\nSec-Fetch-Site: same-origin\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`);
    socket.write(body.slice(0, 10));
    await Bun.sleep(200);
    server.proc.kill("SIGTERM");
    await Bun.sleep(200);
    server.proc.kill("SIGTERM");
    await Bun.sleep(200);
    socket.write(body.slice(10));
    await done;
    expect(answer).toMatch(/^HTTP\/1\.1 401/);
    expect(await server.exited()).toBe(0);
    expect(server.stdout()).toContain("already shutting down");
    const [last] = queryDb<{ type: string }>(dataDir, "SELECT type FROM audit_events ORDER BY seq DESC LIMIT 1");
    expect(last?.type).toBe("system.stopped");
  }, 30_000);

  test("an open live-update stream and a long poll do not hold the shutdown for the grace period: both are ended/answered first", async () => {
    const dataDir = join(tempRoot(), "data");
    const { key } = seed(dataDir);
    const server = await startServer(dataDir, ["--shutdown-grace-ms", "20000"]);
    const origin = new URL(server.url).origin;
    const login = await fetch(`${server.url}/api/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json", "sec-fetch-site": "same-origin", origin },
      body: JSON.stringify({ email: "owner@example.test", password: PASSWORD }),
    });
    expect(login.status).toBe(200);
    const cookie = login.headers.get("set-cookie")!.split(";")[0]!;
    const stream = await fetch(`${server.url}/api/events`, { headers: { cookie, "sec-fetch-site": "same-origin", origin } });
    expect(stream.status).toBe(200);
    const streamEnded = (async () => {
      for await (const _chunk of stream.body!) {
        // Read until the server ends the stream.
      }
      return true;
    })().catch(() => false);

    const call = async (name: string, args: unknown) => {
      const rpc = await callTool(server.url, key, name, args);
      const value = acknowledged(rpc);
      if (!value) throw new Error(`${name} failed: ${JSON.stringify(rpc)}`);
      return value;
    };
    const { run_id: runId } = await call("start_run", { project: "shop", title: "Long poll at shutdown" });
    await call("advance_phase", { run_id: runId, phase: "build" });
    await call("advance_phase", { run_id: runId, phase: "test" });
    await call("report_build", { run_id: runId, kind: "test", exit_code: 0, duration_ms: 10 });
    const gate = await call("advance_phase", { run_id: runId, phase: "review" });
    expect(gate.status).toBe("awaiting_approval");
    const poll = callTool(server.url, key, "get_checkpoint", { checkpoint_id: gate.checkpoint_id, wait_seconds: 25 });
    await Bun.sleep(300);

    const signalledAt = performance.now();
    server.proc.kill("SIGTERM");
    const answered = acknowledged(await poll);
    expect(answered?.status).toBe("pending");
    expect(await streamEnded).toBe(true);
    expect(await server.exited()).toBe(0);
    expect(performance.now() - signalledAt).toBeLessThan(5000);
    expect(server.stdout()).not.toContain("did not finish in time");
  }, 30_000);
});

const isRoot = process.getuid?.() === 0;
describe.skipIf(!isRoot)(`a full disk (tmpfs)${isRoot ? "" : ": skipped, mounting a small tmpfs needs root"}`, () => {
  let mount: string;
  let mounted = false;
  beforeAll(() => {
    mount = tempRoot();
    mounted = Bun.spawnSync(["mount", "-t", "tmpfs", "-o", "size=12m,mode=0700", "tmpfs", mount]).exitCode === 0;
  });
  afterAll(() => {
    if (mounted) Bun.spawnSync(["umount", "-l", mount]);
  });

  test("SIGTERM on a full disk logs one line and exits 1 without a stack; audit verify still verifies and says the result was not recorded", async () => {
    expect(mounted).toBe(true);
    const dataDir = join(mount, "data");
    mkdirSync(dataDir, { mode: 0o700 });
    const { key } = seed(dataDir);
    const auditKey = readFileSync(join(dataDir, "audit.key"), "utf8");
    const server = await startServer(dataDir);
    const started = acknowledged(await callTool(server.url, key, "start_run", { project: "shop", title: "Before the disk filled" }));
    expect(started?.run_id).toBeDefined();
    // Fill the disk to the last block.
    Bun.spawnSync(["dd", "if=/dev/zero", `of=${join(mount, "filler")}`, "bs=64k"], { stderr: "ignore" });
    const refused = await callTool(server.url, key, "start_run", { project: "shop", title: "On a full disk" });
    expect(acknowledged(refused)).toBeNull();

    server.proc.kill("SIGTERM");
    expect(await server.exited()).toBe(1);
    expect(hasStack(server.stderr())).toBe(false);
    expect(server.stderr()).not.toContain("unexpected error");
    const errors = server.stdout().split("\n").filter((l) => l.includes('"level":"error"') || l.includes('"level":50'));
    expect(errors.some((l) => l.includes("could not record system.stopped") && l.includes("SQLITE_FULL"))).toBe(true);

    // Space again: it starts, nothing acknowledged was lost, and it stops cleanly (an empty WAL).
    rmSync(join(mount, "filler"));
    expect(missingRuns(dataDir, [started.run_id])).toEqual([]);
    const again = await startServer(dataDir);
    again.proc.kill("SIGTERM");
    expect(await again.exited()).toBe(0);

    // Full again, with the database open elsewhere: verifying needs no write, so it verifies, and
    // says that it could not record audit.verified.
    const dbPath = join(dataDir, "railyard.sqlite");
    const holder = Bun.spawn([process.execPath, "-e", `import { Database } from "bun:sqlite"; const db = new Database(${JSON.stringify(dbPath)}); db.prepare("SELECT count(*) FROM audit_events").get(); console.log("open"); setInterval(() => {}, 1000);`], { stdout: "pipe" });
    await holder.stdout.getReader().read();
    try {
      Bun.spawnSync(["dd", "if=/dev/zero", `of=${join(mount, "filler")}`, "bs=64k"], { stderr: "ignore" });
      const verify = cli(["audit", "verify", "--data-dir", dataDir]);
      expect(verify.stdout).toContain("audit trail intact");
      expect(verify.code).toBe(0);
      expect(oneLine(verify.stderr)).toHaveLength(1);
      // Recording fails (SQLITE_FULL), or already the open's shared-memory index cannot grow and it reads read-only.
      expect(verify.stderr).toMatch(/could not be recorded in the trail \((.*SQLITE_FULL|verified read-only)/);

      // A command that must write says what is full, in one line.
      const create = cli(["users", "create", "--data-dir", dataDir, "--email", "late@example.test", "--role", "lead", "--password-stdin"], PASSWORD);
      expect(create.code).not.toBe(0);
      expect(oneLine(create.stderr)).toHaveLength(1);
      expect(create.stderr).toContain(`the disk holding ${dbPath} is full`);
      expect(hasStack(create.stderr)).toBe(false);
    } finally {
      holder.kill("SIGKILL");
      await holder.exited;
    }

    // Nobody has it open (as after a clean stop: no -shm, nothing in the WAL), so opening it the
    // usual way would need a write: verify reads it read-only instead.
    expect(!existsSync(`${dbPath}-wal`) || statSync(`${dbPath}-wal`).size === 0).toBe(true);
    for (const suffix of ["-wal", "-shm"]) rmSync(dbPath + suffix, { force: true });
    const readOnly = cli(["audit", "verify", "--data-dir", dataDir]);
    expect(readOnly.stdout).toContain("audit trail intact");
    expect(readOnly.code).toBe(0);
    expect(oneLine(readOnly.stderr)).toHaveLength(1);
    expect(readOnly.stderr).toContain("could not be recorded in the trail (verified read-only");

    rmSync(join(mount, "filler"));
    expect(cli(["audit", "verify", "--data-dir", dataDir]).code).toBe(0);
    expect(readFileSync(join(dataDir, "audit.key"), "utf8")).toBe(auditKey);
  }, 60_000);
});
