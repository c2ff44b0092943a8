// railyard exec runs a command without a shell, then reports exit code, duration and a scanned
// log tail to a real server over MCP, and exits with the command's code.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { execCommand } from "../../src/cli/exec.ts";
import { startRun } from "../../src/core/run/start-run.ts";
import { createTestApp, type TestApp } from "../support/app.ts";
import { memoryIo } from "../support/cli-io.ts";
import { seedAgent, serve, type Agent, type Served } from "../support/mcp.ts";
import { seedCanaryProject } from "../support/projects.ts";
import { runSnapshot } from "../support/runs.ts";
import { syntheticKeyBody } from "../scanner/helpers.ts";

let app: TestApp;
let served: Served;
let agent: Agent;
beforeAll(async () => {
  app = await createTestApp();
  await seedCanaryProject(app);
  served = serve(app);
  agent = await seedAgent(app);
});
afterAll(async () => {
  await served.stop();
  await app.dispose();
});

const newRun = async () => (await startRun({ ctx: app.ctx(agent.actor), input: { project: "shop", title: "exec" } })).run_id;
/** The run's only build report. */
async function buildOf(run: string) {
  const { builds } = await runSnapshot(app, run);
  expect(builds).toHaveLength(1);
  return builds[0]!;
}

test("reports a failing test with its exit code and a redacted log tail, and exits with that code", async () => {
  const run = await newRun();
  const io = memoryIo("", { RAILYARD_URL: served.url, RAILYARD_KEY: agent.key });
  const script = `console.log("x".repeat(800)); console.log("3 failed; token AKIAQ3EGWSGKXTNKSE7Z; $(rm -rf /)"); process.exit(3)`;
  const code = await execCommand(["--run", run, "--kind", "test", "--", process.execPath, "-e", script], io);
  expect(code).toBe(3);
  expect(io.out()).toContain("3 failed");
  const row = await buildOf(run);
  expect(row).toMatchObject({ kind: "test", exitCode: 3 });
  expect(row.logTail!.length).toBeLessThanOrEqual(500);
  expect(row.logTail).toContain("[REDACTED:aws_access_key_id]");
  expect(row.logTail).not.toContain("AKIAQ3EGWSGKXTNKSE7Z");
  // The argument reached the program verbatim: no shell expanded "$(rm -rf /)".
  expect(row.logTail).toContain("$(rm -rf /)");
  expect(row.durationMs).toBeGreaterThanOrEqual(0);
});

test("a passing command exits 0 and its report counts as the test evidence", async () => {
  const run = await newRun();
  const io = memoryIo("", { RAILYARD_URL: served.url, RAILYARD_KEY: agent.key });
  expect(await execCommand(["--run", run, "--kind=test", "--", process.execPath, "-e", "console.log('12 passed')"], io)).toBe(0);
  expect(await buildOf(run)).toMatchObject({ exitCode: 0, logTail: "12 passed\n" });
});

test("a command that cannot start exits 127 and is still reported", async () => {
  const run = await newRun();
  const io = memoryIo("", { RAILYARD_URL: served.url, RAILYARD_KEY: agent.key });
  expect(await execCommand(["--run", run, "--", "/nonexistent/railyard-test-binary"], io)).toBe(127);
  expect(await buildOf(run)).toMatchObject({ exitCode: 127 });
});

test("missing settings or arguments are usage errors (exit 2) and nothing runs", async () => {
  expect(await execCommand(["--run", "run_x", "--", "true"], memoryIo("", {}))).toBe(2);
  expect(await execCommand(["--", "true"], memoryIo("", { RAILYARD_URL: served.url, RAILYARD_KEY: agent.key }))).toBe(2);
  expect(await execCommand(["--run", "run_x", "--kind", "deploy", "--", "true"], memoryIo("", { RAILYARD_URL: served.url, RAILYARD_KEY: agent.key }))).toBe(2);
});

test("a refused report keeps the command's exit code and says why on stderr, without the key", async () => {
  const io = memoryIo("", { RAILYARD_URL: served.url, RAILYARD_KEY: agent.key });
  expect(await execCommand(["--run", "run_AAAAAAAAAAAAAAAAAAAA", "--", process.execPath, "-e", "process.exit(0)"], io)).toBe(0);
  expect(io.err()).toContain("did not record");
  expect(io.err()).not.toContain(agent.key);
});

test("the command runs without RAILYARD_KEY or any other RAILYARD_* variable, and keeps the rest of the environment", async () => {
  const run = await newRun();
  const io = memoryIo("", { RAILYARD_URL: served.url, RAILYARD_KEY: agent.key, RAILYARD_DATA_DIR: "/srv/railyard", Railyard_Token: "x", BUILD_MODE: "ci" });
  const script = `console.log(JSON.stringify(process.env))`;
  expect(await execCommand(["--run", run, "--", process.execPath, "-e", script], io)).toBe(0);
  const childEnv = JSON.parse(io.out().trim()) as Record<string, string>;
  expect(Object.keys(childEnv).filter((k) => k.toUpperCase().startsWith("RAILYARD"))).toEqual([]);
  expect(childEnv.BUILD_MODE).toBe("ci");
  expect(io.out()).not.toContain(agent.key);
  expect((await buildOf(run)).logTail).not.toContain(agent.key);
});

test("a log tail that starts inside a private key reports none of the key's lines", async () => {
  const body = syntheticKeyBody(); // 25 lines, about 2 KB
  for (const withEnd of [true, false]) {
    const run = await newRun();
    const io = memoryIo("", { RAILYARD_URL: served.url, RAILYARD_KEY: agent.key });
    const key = ["-----BEGIN RSA PRIVATE KEY-----", ...body, ...(withEnd ? ["-----END RSA PRIVATE KEY-----"] : [])].join("\n");
    const script = `console.log(${JSON.stringify(key)}); console.log("3 failed"); process.exit(1)`;
    expect(await execCommand(["--run", run, "--kind", "test", "--", process.execPath, "-e", script], io)).toBe(1);
    const { logTail } = await buildOf(run);
    expect(logTail).toContain("[REDACTED:private_key]");
    expect(logTail).toContain("3 failed");
    for (const line of body) expect({ withEnd, leaked: logTail!.includes(line.slice(-16)) }).toEqual({ withEnd, leaked: false });
  }
});
