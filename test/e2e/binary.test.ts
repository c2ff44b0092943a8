// The compiled single executable, used the way a new team would: copied alone into an empty
// directory (beside a stray .env and bunfig.toml it must ignore), it creates people and keys, serves
// the web app, the admin API and MCP to real clients of both eras, reports a test through its own
// `exec`, scans, stops on SIGTERM, verifies, exports, backs up and restores. Everything here runs
// inside the binary (embedded migrations and web assets, bcrypt, bytecode, dynamic imports).
import { afterAll, describe, expect, test } from "bun:test";
import { chmodSync, mkdirSync, renameSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { compile } from "../../build.ts";
import { connectV1, connectV2, structured, textOf, type Served } from "../support/mcp.ts";

// `bun build --compile` exists for these targets only; anywhere else the binary cannot be built.
const BUILDABLE = ["linux", "darwin"].includes(process.platform) && ["x64", "arm64"].includes(process.arch);
const SKIP_REASON = `bun cannot compile an executable for ${process.platform}-${process.arch}`;

const work = mkdtempSync(join(tmpdir(), "railyard-binary-"));
const dir = join(work, "team");
const bin = join(dir, "railyard");
const data = join(dir, "railyard-data");
// No usable temp dir, as on a read-only root filesystem or a hardened host whose /tmp is noexec:
// the appliance must need nothing outside its data dir (no native module extracted to $TMPDIR).
const ENV = { PATH: process.env.PATH ?? "/usr/bin:/bin", TMPDIR: join(work, "no-such-tmp") };

const PASSWORDS = {
  owner: "correct-horse-battery-staple-7",
  lead: "tangerine-lantern-orbit-42",
  dev: "velvet-harbor-compass-19",
} as const;
const EMAIL = { owner: "ana@example.test", lead: "lee@example.test", dev: "dora@example.test" } as const;
/** A synthetic AWS access key id (the published example format), never a real one. */
const SYNTHETIC_SECRET = "AKIAQ3EGWSGKXTNKSE7Z";

if (BUILDABLE) {
  const built = join(work, "build", "railyard");
  await compile(built);
  mkdirSync(dir);
  // Moved, not copied: a second 100 MB write left the disk busy flushing into the next suites' fsyncs.
  renameSync(built, bin);
  chmodSync(bin, 0o755);
  rmSync(join(work, "build"), { recursive: true, force: true });
  // Stray files a real directory may hold: the binary must not read them.
  writeFileSync(join(dir, ".env"), "RAILYARD_PORT=1\nRAILYARD_LOG_LEVEL=nonsense\nRAILYARD_DATA_DIR=/nonexistent\n");
  writeFileSync(join(dir, "bunfig.toml"), 'preload = ["./does-not-exist.ts"]\n');
}

const started: Bun.Subprocess[] = [];
afterAll(() => {
  // A failed step must not leave a server running.
  for (const proc of started) if (proc.exitCode === null) proc.kill("SIGKILL");
  rmSync(work, { recursive: true, force: true });
});

function railyard(args: string[], options: { stdin?: string; env?: Record<string, string> } = {}) {
  const result = Bun.spawnSync([bin, ...args], {
    cwd: dir,
    env: { ...ENV, ...options.env },
    stdin: options.stdin === undefined ? "ignore" : new Blob([options.stdin]),
  });
  return { code: result.exitCode, out: result.stdout.toString(), err: result.stderr.toString() };
}

interface Server {
  readonly url: string;
  readonly proc: Bun.Subprocess<"ignore", "pipe", "pipe">;
  /** Everything the process wrote so far, stdout and stderr. */
  output(): string;
  /** Resolves with all the output once both streams closed. */
  readonly drained: Promise<string>;
}

async function startServer(args: string[]): Promise<Server> {
  const proc = Bun.spawn([bin, ...args], { cwd: dir, env: ENV, stdin: "ignore", stdout: "pipe", stderr: "pipe" });
  started.push(proc);
  let out = "";
  let announce!: () => void;
  const announced = new Promise<void>((r) => (announce = r));
  const pump = async (stream: ReadableStream<Uint8Array>) => {
    const decoder = new TextDecoder();
    for await (const chunk of stream) {
      out += decoder.decode(chunk, { stream: true });
      if (/"msg":"railyard listening"/.test(out)) announce();
    }
  };
  const drained = Promise.all([pump(proc.stdout), pump(proc.stderr)]).then(() => out);
  const exited = proc.exited.then((code) => code);
  const first = await Promise.race([announced.then(() => null), exited, Bun.sleep(15_000).then(() => "timeout" as const)]);
  if (first !== null) throw new Error(`the binary did not start (${first}):\n${out}`);
  // The JSON log line announcing the listener carries the URL.
  const line = out.split("\n").find((l) => l.includes('"msg":"railyard listening"'))!;
  const url = JSON.parse(line).url as string;
  return { url, proc, output: () => out, drained };
}

/** Signs in over HTTP the way the web app does and returns the session cookie. */
async function signIn(url: string, email: string, password: string): Promise<string> {
  const response = await fetch(`${url}/api/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json", "sec-fetch-site": "same-origin" },
    body: JSON.stringify({ email, password }),
  });
  expect(response.status).toBe(200);
  const cookie = response.headers.get("set-cookie")!.split(";")[0]!;
  expect(cookie).toStartWith("railyard_session=");
  return cookie;
}

async function post(url: string, path: string, cookie: string, body: unknown) {
  const response = await fetch(`${url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", "sec-fetch-site": "same-origin", cookie },
    body: JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as any };
}

describe.skipIf(!BUILDABLE)(BUILDABLE ? "the compiled binary, from an empty directory, for a whole team (on its embedded SQLite database)" : `the compiled binary (skipped: ${SKIP_REASON})`, () => {
  let server: Server;
  let devKey: string;
  let runId: string;
  const secrets: string[] = [...Object.values(PASSWORDS)];

  test("--version and --help answer, an unknown command exits 2", () => {
    const version = railyard(["--version"]);
    expect(version.code).toBe(0);
    expect(version.out).toMatch(/^railyard \d+\.\d+\.\d+\n$/);
    const help = railyard(["--help"]);
    expect(help.code).toBe(0);
    for (const command of ["serve", "users", "keys", "scan", "exec", "audit", "backup", "restore"]) expect(help.out).toContain(`  ${command} `);
    const unknown = railyard(["deploy"]);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain("unknown command 'deploy'");
  });

  test("users create makes an owner, a lead and a developer with bcrypt, in a 0700 data dir (the stray .env is ignored)", () => {
    for (const [who, role] of [["owner", "owner"], ["lead", "lead"], ["dev", "developer"]] as const) {
      const created = railyard(["users", "create", "--email", EMAIL[who], "--role", role, "--password-stdin"], { stdin: PASSWORDS[who] });
      expect(created.err).toBe("");
      expect(created.code).toBe(0);
      expect(created.out).toContain(`created ${role} ${EMAIL[who]}`);
    }
    expect(statSync(data).mode & 0o777).toBe(0o700);
    const again = railyard(["users", "create", "--email", EMAIL.dev, "--role", "developer", "--password-stdin"], { stdin: PASSWORDS.dev });
    expect(again.code).toBe(1);
  });

  test("serve --port 0 announces its URL in a JSON log line and serves health, readiness and the embedded web app", async () => {
    server = await startServer(["serve", "--port", "0"]);
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(server.output()).not.toContain("setup#token="); // an owner exists already
    expect(await (await fetch(`${server.url}/healthz`)).json()).toEqual({ status: "ok" });
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
    const html = await (await fetch(`${server.url}/`)).text();
    expect(html).toContain('<div id="app">');
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)![1]!;
    expect((await fetch(server.url + script)).status).toBe(200);
    // A client-side route falls back to the web app's index.
    expect(await (await fetch(`${server.url}/runs`)).text()).toContain('<div id="app">');
  });

  test("the owner signs in over HTTP and creates a project with a module excluded for developers", async () => {
    const owner = await signIn(server.url, EMAIL.owner, PASSWORDS.owner);
    secrets.push(owner.split("=")[1]!);
    const project = await post(server.url, "/api/projects", owner, { slug: "shop", name: "Shop", remoteUrl: "https://git.example.test/shop.git" });
    expect(project.status).toBe(201);
    expect(project.json.project.slug).toBe("shop");
    const api = await post(server.url, "/api/projects/shop/modules", owner, { name: "api", globs: ["src/api/**"] });
    expect(api.status).toBe(201);
    const billing = await post(server.url, "/api/projects/shop/modules", owner, { name: "billing", globs: ["src/billing/**"], access: { developer: "excluded" } });
    expect(billing.status).toBe(201);
    const me = await fetch(`${server.url}/api/auth/me`, { headers: { cookie: owner } });
    expect(((await me.json()) as any).user.role).toBe("owner");
    // The catalogue hash clients pin (published in the README) is the binary's too.
    const pinned = /<!-- catalogue:start -->\s*`([0-9a-f]{64})`/.exec(readFileSync(join(import.meta.dir, "../../README.md"), "utf8"))![1];
    const catalogue = (await (await fetch(`${server.url}/api/catalogue`, { headers: { cookie: owner } })).json()) as any;
    expect(catalogue.sha256).toBe(pinned);
    expect(catalogue.tools).toHaveLength(13);
  });

  test("keys create prints a plugin key once; a v2 client runs start_run → plan_work → build → test", async () => {
    const created = railyard(["keys", "create", "--email", EMAIL.dev, "--name", "laptop"]);
    expect(created.code).toBe(0);
    devKey = created.out.trim();
    expect(devKey).toMatch(/^ryd_\w+$/);
    secrets.push(devKey);
    expect(created.err).not.toContain(devKey);

    const served: Served = { url: server.url, stop: async () => {} };
    const client = await connectV2(served, devKey);
    try {
      expect(client.getProtocolEra()).toBe("modern");
      const start = structured(await client.callTool({ name: "start_run", arguments: { project: "shop", title: "Invoice endpoint", ticket: "SHOP-12" } }));
      runId = start.run_id;
      expect(start.phase).toBe("plan");
      expect(start.scope.editable).toContain("src/api/**");
      // The developer's agent sees the excluded module masked, never its globs.
      expect(start.scope.excluded).toEqual(["‹billing›"]);
      expect(JSON.stringify(start)).not.toContain("src/billing");
      const plan = structured(await client.callTool({ name: "plan_work", arguments: { run_id: runId, units: [{ title: "Endpoint", paths: ["src/api/invoices.ts"] }] } }));
      expect(plan.violations).toEqual([]);
      expect(structured(await client.callTool({ name: "advance_phase", arguments: { run_id: runId, phase: "build" } })).phase).toBe("build");
      expect(structured(await client.callTool({ name: "advance_phase", arguments: { run_id: runId, phase: "test" } })).phase).toBe("test");
      // Leaving test needs a passing test.
      const early = await client.callTool({ name: "advance_phase", arguments: { run_id: runId, phase: "review" } });
      expect(early.isError).toBe(true);
      expect(textOf(early)).toContain("passing test");
    } finally {
      await client.close();
    }
  });

  test("railyard exec reports the passing test through the binary, and the review gate waits for the lead", async () => {
    const exec = railyard(["exec", "--run", runId, "--kind", "test", "--", "true"], { env: { RAILYARD_URL: server.url, RAILYARD_KEY: devKey } });
    expect(exec.err).toBe("");
    expect(exec.code).toBe(0);

    const served: Served = { url: server.url, stop: async () => {} };
    const client = await connectV1(served, devKey);
    try {
      const gated = structured(await client.callTool({ name: "advance_phase", arguments: { run_id: runId, phase: "review", summary: "ready for review" } }));
      expect(gated.status).toBe("awaiting_approval");
      const checkpoint = gated.checkpoint_id as string;
      const pending = structured(await client.callTool({ name: "get_checkpoint", arguments: { checkpoint_id: checkpoint } }));
      expect(pending.status).toBe("pending");
      // The agent long-polls while people decide.
      const waiting = client.callTool({ name: "get_checkpoint", arguments: { checkpoint_id: checkpoint, wait_seconds: 20 } });

      // The developer cannot approve; the lead can.
      const dev = await signIn(server.url, EMAIL.dev, PASSWORDS.dev);
      const lead = await signIn(server.url, EMAIL.lead, PASSWORDS.lead);
      secrets.push(dev.split("=")[1]!, lead.split("=")[1]!);
      expect((await post(server.url, `/api/checkpoints/${checkpoint}/approve`, dev, { reason: "mine" })).status).toBe(403);
      const approved = await post(server.url, `/api/checkpoints/${checkpoint}/approve`, lead, { reason: "looks good" });
      expect(approved.status).toBe(200);

      expect(structured(await waiting)).toMatchObject({ status: "approved", decider_role: "lead", reason: "looks good" });
      expect(structured(await client.callTool({ name: "advance_phase", arguments: { run_id: runId, phase: "review" } })).phase).toBe("review");
      const ship = structured(await client.callTool({ name: "advance_phase", arguments: { run_id: runId, phase: "ship" } }));
      expect((await post(server.url, `/api/checkpoints/${ship.checkpoint_id}/approve`, lead, { reason: "ship it" })).status).toBe(200);
      expect(structured(await client.callTool({ name: "advance_phase", arguments: { run_id: runId, phase: "ship" } })).phase).toBe("ship");
      const done = structured(await client.callTool({ name: "finish_run", arguments: { run_id: runId, outcome: "completed", summary: "Invoice endpoint shipped" } }));
      expect(done.status).toBe("completed");
    } finally {
      await client.close();
    }
    const timeline = await fetch(`${server.url}/api/runs/${runId}`, { headers: { cookie: await signIn(server.url, EMAIL.owner, PASSWORDS.owner) } });
    const body = JSON.stringify(await timeline.json());
    expect(body).toContain('"exitCode":0');
  });

  test("scan finds a synthetic secret in a file, exits 1 and never prints the value", () => {
    writeFileSync(join(dir, "notes.txt"), `deploy notes\naws_key = ${SYNTHETIC_SECRET}\n`);
    const scan = railyard(["scan", "notes.txt"]);
    expect(scan.code).toBe(1);
    expect(scan.out + scan.err).toContain("aws_access_key_id");
    expect(scan.out + scan.err).not.toContain(SYNTHETIC_SECRET);
    writeFileSync(join(dir, "clean.txt"), "nothing to see: v1.2.3, 9f2c1ab\n");
    expect(railyard(["scan", "clean.txt"]).code).toBe(0);
  });

  test("SIGTERM stops the server with exit 0; the audit trail verifies and exports the run's events", async () => {
    server.proc.kill("SIGTERM");
    expect(await server.proc.exited).toBe(0);
    const output = await server.drained;
    expect(output).toContain('"msg":"stopped"');

    const verify = railyard(["audit", "verify"]);
    expect(verify.code).toBe(0);
    const exported = railyard(["audit", "export", "--format", "jsonl"]);
    expect(exported.code).toBe(0);
    const events = exported.out.trim().split("\n").map((l) => JSON.parse(l));
    const types = events.filter((e) => JSON.stringify(e).includes(runId)).map((e) => e.type);
    for (const type of ["run.started", "work_unit.planned", "run.phase_advanced", "build.reported", "checkpoint.requested", "checkpoint.approved", "run.completed"]) {
      expect(types).toContain(type);
    }
  });

  test("backup, then restore with the audit key into an empty dir that serves /readyz and verifies", async () => {
    const backupFile = join(work, "shop.backup");
    const backup = railyard(["backup", backupFile]);
    expect(backup.err).toBe("");
    expect(backup.code).toBe(0);
    expect(statSync(backupFile).mode & 0o777).toBe(0o600);

    const restored = join(work, "restored");
    const restore = railyard(["restore", backupFile, "--audit-key", join(data, "audit.key"), "--data-dir", restored]);
    expect(restore.err).toBe("");
    expect(restore.code).toBe(0);
    expect(restore.out).toContain("audit trail intact");

    // No command at all means serve.
    const again = await startServer(["--port", "0", "--data-dir", restored]);
    try {
      expect((await fetch(`${again.url}/readyz`)).status).toBe(200);
      // The restored workspace keeps its people: the owner signs in.
      await signIn(again.url, EMAIL.owner, PASSWORDS.owner);
    } finally {
      again.proc.kill("SIGTERM");
      expect(await again.proc.exited).toBe(0);
    }
    expect(railyard(["audit", "verify", "--data-dir", restored]).code).toBe(0);
    for (const d of [data, restored]) {
      expect(statSync(d).mode & 0o777).toBe(0o700);
      for (const file of readdirSync(d)) expect({ file, mode: (statSync(join(d, file)).mode & 0o777).toString(8) }).toEqual({ file, mode: "600" });
    }
  });

  test("the server's output never carried a plugin key, a password or a session token", async () => {
    const output = await server.drained;
    expect(output.length).toBeGreaterThan(0);
    expect(secrets.length).toBeGreaterThanOrEqual(Object.keys(PASSWORDS).length + 4);
    for (const secret of secrets) expect(output.includes(secret)).toBe(false);
  });
});
