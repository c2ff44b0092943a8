// The MCP surface against DESIGN.md sections 2, 3.3 and 5 and the MCP specification's tools/call
// rules: every result carries a text copy and, unless it is a plain error, structuredContent valid
// against the tool's listed outputSchema; input caps are exactly the documented ones; annotations
// say what each tool does; both protocol eras see the same tools and the same errors; drift is recorded.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import Ajv2020 from "ajv/dist/2020";
import { decideCheckpoint } from "../../src/core/checkpoint/decide-checkpoint.ts";
import type { Actor } from "../../src/core/context.ts";
import { updateSettings } from "../../src/core/setting/update-settings.ts";
import { LISTED_TOOLS, TOOLS_BY_NAME } from "../../src/mcp/catalogue.ts";
import { createTestApp, seedUser, type TestApp } from "../support/app.ts";
import { connectV1, connectV2, seedAgent, serve, type Agent, type Served } from "../support/mcp.ts";
import { seedCanaryProject } from "../support/projects.ts";
import { eventsOf, runRow, runSnapshot } from "../support/runs.ts";

const ajv = new Ajv2020({ allErrors: true, strict: true });
const validators = new Map(LISTED_TOOLS.map((t) => [t.name, ajv.compile(t.outputSchema)]));
const TOOL_NAMES = LISTED_TOOLS.map((t) => t.name);

type Call = (name: string, args?: Record<string, unknown>) => Promise<any>;
type Client = { callTool(params: { name: string; arguments?: Record<string, unknown> }): Promise<unknown>; listTools(): Promise<unknown>; close(): Promise<void> };

/** Checks one tools/call result against the MCP rules; returns it. */
function conforms(name: string, result: any): any {
  expect(Array.isArray(result.content)).toBe(true);
  expect(result.content).toHaveLength(1);
  expect(result.content[0].type).toBe("text");
  const text: string = result.content[0].text;
  if (result.structuredContent !== undefined) {
    const validate = validators.get(name)!;
    const valid = validate(result.structuredContent);
    if (!valid) throw new Error(`${name}: structuredContent does not match its outputSchema: ${ajv.errorsText(validate.errors)}`);
    // The text copy (for clients that only read content) is the same JSON, after a message when the result needs attention.
    const json = JSON.stringify(result.structuredContent);
    if (result.isError) expect(text.endsWith(`\n${json}`)).toBe(true);
    else expect(text).toBe(json);
  } else {
    // Without structuredContent a result must be an error the agent can read: "code: message".
    expect(result.isError).toBe(true);
    expect(text).toMatch(/^[a-z_]+: \S/);
    expect(text).not.toMatch(/\bat .*\.ts:\d+/);
  }
  return result;
}

let app: TestApp;
let served: Served;
let dev: Agent;
let lead: Actor;
beforeAll(async () => {
  app = await createTestApp();
  await seedCanaryProject(app);
  served = serve(app);
  dev = await seedAgent(app, "developer");
  lead = (await seedUser(app, "lead")).actor;
});
afterAll(async () => {
  await served.stop();
  await app.dispose();
});

const MISSING_RUN = "run_AAAAAAAAAAAAAAAAAAAA";
const MISSING_UNIT = "wu_AAAAAAAAAAAAAAAAAAAA";
const MISSING_CK = "ck_AAAAAAAAAAAAAAAAAAAA";

/**
 * Calls every tool, in success and in business-error cases, checking each result. Returns the
 * error texts by case (with generated ids masked) and the tools seen succeeding and failing.
 */
async function scenario(call: Call): Promise<{ errors: Map<string, string>; ok: Set<string>; failed: Set<string> }> {
  const errors = new Map<string, string>();
  const ok = new Set<string>();
  const failed = new Set<string>();
  const succeed = async (name: string, args: Record<string, unknown>) => {
    const r = conforms(name, await call(name, args));
    if (r.isError) throw new Error(`${name} failed: ${r.content[0].text}`);
    ok.add(name);
    return r.structuredContent;
  };
  const fail = async (label: string, name: string, args: Record<string, unknown>, code: string) => {
    const r = conforms(name, await call(name, args));
    expect(r.isError).toBe(true);
    let text: string = r.content[0].text;
    if (!r.structuredContent) expect(text.startsWith(`${code}:`)).toBe(true);
    // Ids differ between the two runs; every other character must be the same.
    text = text.replace(/\b(run|wu|ck)_(?!A{20})[0-9A-Za-z]{20}\b/g, "$1_<id>");
    errors.set(label, text);
    failed.add(name);
    return r;
  };

  await succeed("get_scope", { project: "shop" });
  await fail("get_scope unknown project", "get_scope", { project: "nope" }, "not_found");
  await fail("start_run unknown project", "start_run", { project: "nope", title: "x" }, "not_found");
  await fail("start_run title too long", "start_run", { project: "shop", title: "T".repeat(201) }, "invalid");
  await fail("start_run unknown field", "start_run", { project: "shop", title: "x", diff: "+ code" }, "invalid");
  await fail("start_run email in title", "start_run", { project: "shop", title: "ask dev@example.com" }, "scanner_blocked");
  const start = await succeed("start_run", { project: "shop", title: "Conformance", ticket: "SHOP-1", branch: "feat/conformance" });
  const run = start.run_id as string;

  const plan = await succeed("plan_work", { run_id: run, units: [{ title: "Endpoint", paths: ["src/api/a.ts"] }] });
  const unit = plan.units[0].unit_id as string;
  // Planning out of scope stores the unit: a success that lists its violations.
  const outOfScope = await succeed("plan_work", { run_id: run, units: [{ title: "Docs", paths: ["docs/x.md", "src/secret-billing/y.ts"] }] });
  expect(outOfScope.violations).toHaveLength(2);
  await fail("plan_work unknown run", "plan_work", { run_id: MISSING_RUN, units: [{ title: "x", paths: [] }] }, "not_found");

  await succeed("update_work_unit", { run_id: run, unit_id: unit, status: "in_progress", note: "started" });
  await fail("update_work_unit back to planned", "update_work_unit", { run_id: run, unit_id: unit, status: "planned" }, "conflict");
  await fail("update_work_unit unknown unit", "update_work_unit", { run_id: run, unit_id: MISSING_UNIT, status: "done" }, "not_found");

  await succeed("report_files", { run_id: run, action: "read", paths: ["docs/x.md", "src/api/a.ts"] });
  await fail("report_files excluded", "report_files", { run_id: run, action: "modified", paths: ["src/secret-billing/y.ts"] }, "");
  await fail("report_files absolute path", "report_files", { run_id: run, action: "read", paths: ["/etc/passwd"] }, "invalid");

  expect((await succeed("advance_phase", { run_id: run, phase: "build" })).phase).toBe("build");
  await fail("advance_phase skips a gate", "advance_phase", { run_id: run, phase: "ship" }, "gate_closed");
  await fail("advance_phase unknown phase", "advance_phase", { run_id: run, phase: "deploy" }, "invalid");

  for (let i = 0; i < 3; i++) {
    const build = await succeed("report_build", { run_id: run, kind: "build", exit_code: 2, duration_ms: 1000, log_tail: "error TS2345" });
    expect(build.drift).toBe(i === 2 ? "repeated_build_failure" : null);
  }
  await fail("report_build secret in log", "report_build", { run_id: run, kind: "build", exit_code: 1, duration_ms: 5, log_tail: "password=Xk9mP2vL8qRt" }, "scanner_blocked");

  expect((await succeed("advance_phase", { run_id: run, phase: "test" })).phase).toBe("test");
  const noEvidence = await fail("advance_phase without evidence", "advance_phase", { run_id: run, phase: "review" }, "gate_closed");
  expect(noEvidence.content[0].text).toContain("passing test");
  await succeed("report_build", { run_id: run, kind: "test", exit_code: 0, duration_ms: 800 });
  const gated = await succeed("advance_phase", { run_id: run, phase: "review", summary: "ready" });
  expect(gated.status).toBe("awaiting_approval");
  const ck = gated.checkpoint_id as string;
  expect((await succeed("get_checkpoint", { checkpoint_id: ck })).status).toBe("pending");
  await fail("get_checkpoint unknown", "get_checkpoint", { checkpoint_id: MISSING_CK }, "not_found");
  await fail("get_checkpoint wait too long", "get_checkpoint", { checkpoint_id: ck, wait_seconds: 26 }, "invalid");
  await decideCheckpoint({ ctx: app.ctx(lead), input: { checkpointId: ck, decision: "approve", reason: "looks right" } });
  expect(await succeed("get_checkpoint", { checkpoint_id: ck, wait_seconds: 0 })).toMatchObject({ status: "approved", decider_role: "lead", reason: "looks right" });
  expect((await succeed("advance_phase", { run_id: run, phase: "review" })).phase).toBe("review");

  expect((await succeed("report_usage", { run_id: run, model: "claude-sonnet-4-5", input_tokens: 10, output_tokens: 5, cache_tokens: 2, calls: 1 })).totals).toEqual({ input_tokens: 10, output_tokens: 5, cache_tokens: 2, calls: 1 });
  await fail("report_usage negative tokens", "report_usage", { run_id: run, model: "m", input_tokens: -1, output_tokens: 0 }, "invalid");
  expect(await succeed("link_change", { run_id: run, pr_url: "https://git.example.test/shop/pull/7", commit_sha: "ABCDEF1" })).toMatchObject({ branch: "feat/conformance", commit_sha: "abcdef1" });
  await fail("link_change ftp url", "link_change", { run_id: run, pr_url: "ftp://git.example.test/x" }, "invalid");
  await fail("link_change nothing to link", "link_change", { run_id: run }, "invalid");

  const approval = await succeed("request_approval", { run_id: run, reason: "dependency_change", summary: "add a date library" });
  await fail("request_approval unknown reason", "request_approval", { run_id: run, reason: "because", summary: "x" }, "invalid");
  await decideCheckpoint({ ctx: app.ctx(lead), input: { checkpointId: approval.checkpoint_id, decision: "reject", reason: "not now" } });
  expect(await succeed("get_checkpoint", { checkpoint_id: approval.checkpoint_id })).toMatchObject({ status: "rejected", decider_role: "lead", reason: "not now" });

  // After a context loss: the open runs, then one run's state, with what it may do next.
  const listedRuns = await succeed("get_run", {});
  expect(listedRuns.runs.map((r: any) => r.run_id)).toContain(run);
  const state = (await succeed("get_run", { run_id: run })).run;
  expect(state).toMatchObject({ run_id: run, phase: "review", project: "shop" });
  expect(state.pending_checkpoints).toEqual([]);
  expect(state.next_phases[0]).toEqual({ phase: "ship", direction: "forward", needs: expect.stringContaining("approval of a lead") });
  await fail("get_run unknown run", "get_run", { run_id: MISSING_RUN }, "not_found");
  await fail("get_run malformed id", "get_run", { run_id: "run_1" }, "invalid");

  await fail("finish_run completed too early", "finish_run", { run_id: run, outcome: "completed", summary: "done" }, "gate_closed");
  await fail("finish_run six learnings", "finish_run", { run_id: run, outcome: "failed", summary: "x", learnings: ["a", "b", "c", "d", "e", "f"] }, "invalid");
  expect(await succeed("finish_run", { run_id: run, outcome: "failed", summary: "dependency refused", learnings: ["the date library is not approved"] })).toMatchObject({ status: "failed", notes_recorded: 1 });
  await fail("finish_run twice", "finish_run", { run_id: run, outcome: "cancelled", summary: "again" }, "conflict");
  await fail("report_build after finish", "report_build", { run_id: run, kind: "test", exit_code: 0, duration_ms: 1 }, "conflict");
  await fail("report_usage unknown run", "report_usage", { run_id: MISSING_RUN, model: "m", input_tokens: 0, output_tokens: 0 }, "not_found");
  await fail("request_approval unknown run", "request_approval", { run_id: MISSING_RUN, reason: "other", summary: "x" }, "not_found");
  await fail("link_change unknown run", "link_change", { run_id: MISSING_RUN, branch: "b" }, "not_found");
  return { errors, ok, failed };
}

async function eraCall(client: Client): Promise<Call> {
  // Clients validate structuredContent only against tools they have listed: list first, as real clients do.
  await client.listTools();
  return (name, args) => client.callTool({ name, arguments: args });
}

describe("tools/call results in both protocol eras", () => {
  test("every tool, succeeding and failing, returns a text copy and structuredContent valid against its outputSchema; errors read the same in both eras", async () => {
    const v1 = await connectV1(served, dev.key);
    const v2 = await connectV2(served, dev.key);
    const legacy = await scenario(await eraCall(v1));
    const modern = await scenario(await eraCall(v2));
    for (const seen of [legacy, modern]) {
      expect([...seen.ok].sort()).toEqual([...TOOL_NAMES].sort());
      expect([...seen.failed].sort()).toEqual([...TOOL_NAMES].sort());
    }
    expect([...modern.errors.entries()]).toEqual([...legacy.errors.entries()]);
    await v1.close();
    await v2.close();
  });

  test("tools/list is identical in both eras, and an unknown tool is the same JSON-RPC error in both", async () => {
    const v1 = await connectV1(served, dev.key);
    const v2 = await connectV2(served, dev.key);
    const legacy = (await v1.listTools()).tools;
    const modern = (await v2.listTools()).tools;
    expect(modern as unknown).toEqual(legacy);
    expect(legacy.map((t) => t.name)).toEqual(TOOL_NAMES);
    const codeOf = async (p: Promise<unknown>) => p.then(() => null, (e: any) => ({ code: e.code, message: String(e.message).replace(/^MCP error -?\d+: /, "") }));
    const a = await codeOf(v1.callTool({ name: "drop_database", arguments: {} }));
    const b = await codeOf(v2.callTool({ name: "drop_database", arguments: {} }));
    expect(a).toEqual({ code: -32602, message: expect.stringContaining("unknown tool 'drop_database'") });
    expect(b).toEqual(a);
    await v1.close();
    await v2.close();
  });
});

describe("annotations", () => {
  // [readOnly, destructive, idempotent]; nothing Railyard does reaches outside it, so openWorld is false everywhere.
  const EXPECTED: Record<string, [boolean, boolean, boolean]> = {
    start_run: [false, false, false],
    get_scope: [true, false, true],
    plan_work: [false, false, true],
    update_work_unit: [false, false, true],
    report_files: [false, false, false],
    advance_phase: [false, false, true],
    request_approval: [false, false, false],
    get_checkpoint: [true, false, true],
    report_build: [false, false, false],
    report_usage: [false, false, false],
    link_change: [false, false, true],
    get_run: [true, false, true],
    finish_run: [false, true, false],
  };
  test("read-only tools are marked so, finishing a run is the one destructive step, and no tool is open-world", () => {
    for (const tool of LISTED_TOOLS) {
      const [readOnlyHint, destructiveHint, idempotentHint] = EXPECTED[tool.name]!;
      expect({ tool: tool.name, ...tool.annotations }).toEqual({ tool: tool.name, readOnlyHint, destructiveHint, idempotentHint, openWorldHint: false });
    }
    expect(Object.keys(EXPECTED).sort()).toEqual([...TOOL_NAMES].sort());
  });
});

describe("input caps of DESIGN.md section 5", () => {
  const RUN = "run_0123456789abcdefghij";
  const BASE: Record<string, Record<string, unknown>> = {
    start_run: { project: "shop", title: "t" },
    get_scope: { project: "shop" },
    plan_work: { run_id: RUN, units: [{ title: "t", paths: [] }] },
    update_work_unit: { run_id: RUN, unit_id: "wu_0123456789abcdefghij", status: "done" },
    report_files: { run_id: RUN, action: "read", paths: ["a"] },
    advance_phase: { run_id: RUN, phase: "build" },
    request_approval: { run_id: RUN, reason: "release", summary: "s" },
    get_checkpoint: { checkpoint_id: "ck_0123456789abcdefghij" },
    report_build: { run_id: RUN, kind: "test", exit_code: 0, duration_ms: 1 },
    report_usage: { run_id: RUN, model: "m", input_tokens: 0, output_tokens: 0 },
    link_change: { run_id: RUN, branch: "b" },
    get_run: {},
    finish_run: { run_id: RUN, outcome: "completed", summary: "s" },
  };
  const str = (n: number) => "a".repeat(n);
  const url = (n: number) => `https://x.io/${"a".repeat(n - 13)}`;
  const list = (item: unknown) => (n: number) => Array.from({ length: n }, () => item);
  const paths = (n: number) => Array.from({ length: n }, (_, i) => `p${i}`);
  // [tool, field path, cap, value of a given size]
  const CAPS: [string, (string | number)[], number, (n: number) => unknown][] = [
    ["start_run", ["project"], 64, str],
    ["start_run", ["title"], 200, str],
    ["start_run", ["ticket"], 100, str],
    ["start_run", ["branch"], 255, str],
    ["get_scope", ["project"], 64, str],
    ["plan_work", ["units"], 50, list({ title: "t", paths: [] })],
    ["plan_work", ["units", 0, "title"], 200, str],
    ["plan_work", ["units", 0, "paths"], 50, paths],
    ["plan_work", ["units", 0, "paths", 0], 512, str],
    ["update_work_unit", ["note"], 500, str],
    ["update_work_unit", ["paths"], 50, paths],
    ["report_files", ["paths"], 200, paths],
    ["report_files", ["paths", 0], 512, str],
    ["advance_phase", ["summary"], 2000, str],
    ["request_approval", ["summary"], 2000, str],
    ["report_build", ["log_tail"], 500, str],
    ["report_usage", ["model"], 100, str],
    ["link_change", ["branch"], 255, str],
    ["link_change", ["pr_url"], 2048, url],
    ["link_change", ["commit_sha"], 64, str],
    ["finish_run", ["summary"], 2000, str],
    ["finish_run", ["learnings"], 5, list("l")],
    ["finish_run", ["learnings", 0], 2000, str],
  ];
  const withValue = (tool: string, path: (string | number)[], value: unknown) => {
    const args = structuredClone(BASE[tool]!) as any;
    let target = args;
    for (const key of path.slice(0, -1)) target = target[key] ??= [];
    target[path.at(-1)!] = value;
    return args;
  };
  const accepts = (tool: string, args: unknown) => TOOLS_BY_NAME.get(tool)!.inputSchema.safeParse(args).success;

  test("every base input is valid", () => {
    for (const [tool, args] of Object.entries(BASE)) expect({ tool, ok: accepts(tool, args) }).toEqual({ tool, ok: true });
  });

  test.each(CAPS.map(([tool, path, cap, make]) => [`${tool}.${path.join(".")} ≤ ${cap}`, tool, path, cap, make] as const))("%s: the cap is accepted, one more is refused", (_label, tool, path, cap, make) => {
    expect(accepts(tool, withValue(tool, path, make(cap)))).toBe(true);
    expect(accepts(tool, withValue(tool, path, make(cap + 1)))).toBe(false);
  });

  test("the same caps are advertised in the listed input schemas", () => {
    for (const [tool, path, cap] of CAPS) {
      let schema: any = LISTED_TOOLS.find((t) => t.name === tool)!.inputSchema;
      for (const key of path) schema = typeof key === "number" ? schema.items : schema.properties[key];
      expect({ field: `${tool}.${path.join(".")}`, cap: schema.maxLength ?? schema.maxItems }).toEqual({ field: `${tool}.${path.join(".")}`, cap });
    }
  });

  test("enums, numbers and formats: reason, wait_seconds 0-25, http(s) PR URLs, hex SHAs of 7-64, ids in the server's formats", () => {
    const cases: [string, Record<string, unknown>, boolean][] = [
      ["request_approval", { reason: "destructive_action" }, true],
      ["request_approval", { reason: "scope_exception" }, true],
      ["request_approval", { reason: "because" }, false],
      ["get_checkpoint", { wait_seconds: 0 }, true],
      ["get_checkpoint", { wait_seconds: 25 }, true],
      ["get_checkpoint", { wait_seconds: 26 }, false],
      ["get_checkpoint", { wait_seconds: -1 }, false],
      ["link_change", { pr_url: "http://git.example.test/pr/1" }, true],
      ["link_change", { pr_url: "ftp://git.example.test/pr/1" }, false],
      ["link_change", { pr_url: "javascript:alert(1)" }, false],
      ["link_change", { commit_sha: "abcdef1" }, true],
      ["link_change", { commit_sha: "abcdef" }, false],
      ["link_change", { commit_sha: "abcdefg" }, false],
      ["report_files", { action: "renamed" }, false],
      ["report_build", { kind: "deploy" }, false],
      ["finish_run", { outcome: "abandoned" }, false],
      ["report_build", { run_id: "run_0123456789abcdefghi" }, false],
      ["report_build", { run_id: "wu_0123456789abcdefghij" }, false],
      ["report_build", { run_id: "run_0123456789abcdefghi!" }, false],
      ["update_work_unit", { unit_id: "run_0123456789abcdefghij" }, false],
      ["get_checkpoint", { checkpoint_id: "ck_../../etc/passwd00000" }, false],
      ["get_run", { run_id: "run_0123456789abcdefghij" }, true],
      ["get_run", { run_id: "wu_0123456789abcdefghij" }, false],
      ["get_run", { project: "shop" }, false],
    ];
    for (const [tool, patch, ok] of cases) expect({ tool, patch, ok: accepts(tool, { ...BASE[tool], ...patch }) }).toEqual({ tool, patch, ok });
  });
});

describe("drift signals", () => {
  const driftOf = async (run: string) => (await runSnapshot(app, run)).drift;
  const driftEvents = (run: string) => eventsOf(app, { type: "drift.detected", runId: run });

  test("three failing reports of one kind in a row are one repeated_build_failure signal; another kind or a pass in between breaks the streak", async () => {
    const call = await eraCall(await connectV2(served, dev.key));
    const run = (await call("start_run", { project: "shop", title: "Flaky" })).structuredContent.run_id;
    const build = async (kind: string, exit_code: number) => {
      app.clock.advance(1_000);
      return (await call("report_build", { run_id: run, kind, exit_code, duration_ms: 10 })).structuredContent.drift;
    };
    expect([await build("test", 1), await build("test", 1), await build("lint", 1), await build("test", 0), await build("test", 1), await build("test", 1)]).toEqual([null, null, null, null, null, null]);
    expect(await build("test", 1)).toBe("repeated_build_failure");
    expect(await build("test", 1)).toBeNull();
    expect((await driftOf(run)).map((d) => [d.kind, d.detail])).toEqual([["repeated_build_failure", { build_kind: "test", failures: 3 }]]);
    expect((await driftEvents(run)).map((e) => JSON.parse(e.meta))).toEqual([{ kind: "repeated_build_failure", build_kind: "test", failures: 3 }]);
  });

  test("changes reported after a gate was passed do not fit the phase: one phase_mismatch signal per report, none for reads or ungated phases", async () => {
    const call = await eraCall(await connectV2(served, dev.key));
    const run = (await call("start_run", { project: "shop", title: "Late change" })).structuredContent.run_id as string;
    expect((await call("report_files", { run_id: run, action: "modified", paths: ["src/api/a.ts"] })).isError).toBeUndefined();
    for (const phase of ["build", "test"]) await call("advance_phase", { run_id: run, phase });
    await call("report_build", { run_id: run, kind: "test", exit_code: 0, duration_ms: 1 });
    const ck = (await call("advance_phase", { run_id: run, phase: "review" })).structuredContent.checkpoint_id;
    await decideCheckpoint({ ctx: app.ctx(lead), input: { checkpointId: ck, decision: "approve", reason: "ok" } });
    expect((await call("advance_phase", { run_id: run, phase: "review" })).structuredContent.phase).toBe("review");
    expect((await driftOf(run))).toEqual([]);

    conforms("report_files", await call("report_files", { run_id: run, action: "read", paths: ["src/api/a.ts"] }));
    const late = conforms("report_files", await call("report_files", { run_id: run, action: "modified", paths: ["src/api/a.ts", "src/api/b.ts"] }));
    expect(late.isError).toBeUndefined();
    expect((await driftOf(run)).map((d) => [d.kind, d.detail])).toEqual([["phase_mismatch", { phase: "review", report: "report_files", action: "modified", paths: 2 }]]);
    expect((await driftEvents(run)).map((e) => JSON.parse(e.meta).kind)).toEqual(["phase_mismatch"]);

    // Rework goes back first: changes in the ungated build phase fit it.
    await call("advance_phase", { run_id: run, phase: "build" });
    await call("report_files", { run_id: run, action: "created", paths: ["src/api/c.ts"] });
    expect((await driftOf(run))).toHaveLength(1);
  });
});

describe("the redact scanner policy", () => {
  test("a redacted value still fits its field's cap, so results stay valid against the outputSchema and stored rows within their caps", async () => {
    const redactApp = await createTestApp();
    await seedCanaryProject(redactApp);
    const redactServed = serve(redactApp);
    try {
      const { actor: owner } = await seedUser(redactApp, "owner");
      await updateSettings({ ctx: redactApp.ctx(owner), input: { scannerPolicy: "redact" } });
      const agent = await seedAgent(redactApp, "developer");
      // Short e-mail addresses become longer [REDACTED:email] markers.
      const crowded = Array.from({ length: 25 }, (_, i) => `u${i % 10}@ex.io`).join(" ");
      const title = crowded.slice(0, 200);
      const branch = crowded.repeat(2).slice(0, 255);
      for (const client of [await connectV1(redactServed, agent.key), await connectV2(redactServed, agent.key)]) {
        const call = await eraCall(client as Client);
        const start = conforms("start_run", await call("start_run", { project: "shop", title, branch }));
        const run = start.structuredContent.run_id;
        const plan = conforms("plan_work", await call("plan_work", { run_id: run, units: [{ title, paths: [] }] }));
        expect(plan.structuredContent.units[0].title).toStartWith("[REDACTED:email]");
        const link = conforms("link_change", await call("link_change", { run_id: run, branch }));
        expect(link.structuredContent.branch.length).toBeLessThanOrEqual(255);
        const row = await runRow(redactApp, run);
        expect(row.title.length).toBeLessThanOrEqual(200);
        expect(row.title).not.toContain("@");
        const { units } = await runSnapshot(redactApp, run);
        expect(units[0]!.title.length).toBeLessThanOrEqual(200);
        await client.close();
      }
    } finally {
      await redactServed.stop();
      await redactApp.dispose();
    }
  });
});
