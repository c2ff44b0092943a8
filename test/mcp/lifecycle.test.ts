// Lifecycles through the real /mcp endpoint: the work-unit state machine (every pair of states, as
// a table), and the run's end: completed only from the last phase, failed and cancelled from any,
// and nothing at all accepted once a run finished. Refusals are isError results that change nothing.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { decideCheckpoint } from "../../src/core/checkpoint/decide-checkpoint.ts";
import type { Actor } from "../../src/core/context.ts";
import { TOOLS } from "../../src/mcp/catalogue.ts";
import { createTestApp, seedUser, type TestApp } from "../support/app.ts";
import { callTool, type ToolResult } from "../support/mcp-call.ts";
import { seedAgent, type Agent } from "../support/mcp.ts";
import { seedCanaryProject } from "../support/projects.ts";
import * as stored from "../support/runs.ts";
import { crcToken } from "../scanner/helpers.ts";

let app: TestApp;
let dev: Agent;
let stranger: Agent;
let approver: Actor;
beforeAll(async () => {
  // Hundreds of calls on one key: the per-key rate limit is not what these tests are about.
  app = await createTestApp({ "key-rate-limit": "1000000" });
  await seedCanaryProject(app);
  dev = await seedAgent(app, "developer");
  stranger = await seedAgent(app, "developer");
  approver = (await seedUser(app, "lead")).actor;
});
afterAll(() => app.dispose());

const call = (name: string, args: unknown, agent: Agent = dev): Promise<ToolResult> => callTool(app, agent.key, name, args);
async function ok(name: string, args: unknown): Promise<any> {
  const r = await call(name, args);
  if (r.isError || r.rpcError) throw new Error(`${name} failed: ${r.text}`);
  return r.structured;
}

const runRow = (id: string) => stored.runRow(app, id);
const unitRow = (runId: string, id: string) => stored.unitRow(app, runId, id);
const totalEvents = () => stored.totalEvents(app);
const eventsOf = (type: string, runId: string) => stored.eventsOf(app, { type, runId });
/** Everything a run owns, for "changes nothing" assertions. */
const snapshot = (runId: string) => stored.runSnapshot(app, runId);

const PHASES = ["plan", "build", "test", "review", "ship"] as const;
type Phase = (typeof PHASES)[number];

/** Starts a run and drives it into `phase` (passing test evidence, gates approved by a lead). */
async function runIn(phase: Phase, title = `run to ${phase}`): Promise<string> {
  const run = (await ok("start_run", { project: "shop", title })).run_id as string;
  for (const next of PHASES.slice(1, PHASES.indexOf(phase) + 1)) {
    if (next === "review") await ok("report_build", { run_id: run, kind: "test", exit_code: 0, duration_ms: 10 });
    const moved = await ok("advance_phase", { run_id: run, phase: next });
    if (moved.status === "awaiting_approval") {
      await decideCheckpoint({ ctx: app.ctx(approver), input: { checkpointId: moved.checkpoint_id, decision: "approve", reason: "fine" } });
      await ok("advance_phase", { run_id: run, phase: next });
    }
  }
  expect((await runRow(run)).phase).toBe(phase);
  return run;
}

// ---- work units -------------------------------------------------------------------------------

const STATES = ["planned", "in_progress", "done", "failed", "skipped", "blocked"] as const;
type State = (typeof STATES)[number];

/** The lifecycle (DESIGN.md section 2): planned → in_progress → done, or failed / skipped / blocked. */
const ALLOWED: Record<State, readonly State[]> = {
  planned: ["in_progress", "skipped", "blocked"],
  in_progress: ["done", "failed", "skipped", "blocked"],
  blocked: ["in_progress", "failed", "skipped"],
  done: [],
  failed: [],
  skipped: [],
};
/** How a fresh (planned) unit reaches each state. */
const PATH_TO: Record<State, readonly State[]> = {
  planned: [],
  in_progress: ["in_progress"],
  done: ["in_progress", "done"],
  failed: ["in_progress", "failed"],
  skipped: ["skipped"],
  blocked: ["blocked"],
};
const EVENT: Record<Exclude<State, "planned">, string> = {
  in_progress: "work_unit.started",
  done: "work_unit.done",
  failed: "work_unit.failed",
  skipped: "work_unit.skipped",
  blocked: "work_unit.blocked",
};

const PAIRS = STATES.flatMap((from) => STATES.filter((to) => to !== from).map((to) => ({ from, to, allowed: ALLOWED[from].includes(to) })));

describe("work-unit lifecycle", () => {
  let run: string;
  beforeAll(async () => {
    run = await runIn("plan", "work units");
  });

  let planned = 0;
  async function unitIn(state: State): Promise<string> {
    // A distinct title each time: planning the same unit again returns the existing one.
    const unit = (await ok("plan_work", { run_id: run, units: [{ title: `unit ${++planned} to ${state}`, paths: ["src/api/unit.ts"] }] })).units[0].unit_id as string;
    for (const step of PATH_TO[state]) await ok("update_work_unit", { run_id: run, unit_id: unit, status: step });
    expect((await unitRow(run, unit)).status).toBe(state);
    return unit;
  }

  test("the table covers every ordered pair of distinct states (30), 10 of them allowed", () => {
    expect(PAIRS).toHaveLength(30);
    expect(PAIRS.filter((p) => p.allowed)).toHaveLength(10);
  });

  test.each(PAIRS.filter((p) => p.allowed))("$from → $to succeeds and records its event", async ({ from, to }) => {
    const unit = await unitIn(from);
    app.clock.advance(1000);
    const before = await totalEvents();
    const result = await ok("update_work_unit", { run_id: run, unit_id: unit, status: to, note: `now ${to}` });
    expect(result).toEqual({ unit_id: unit, status: to, previous_status: from, violations: [], conflicts: [] });
    expect(await unitRow(run, unit)).toMatchObject({ status: to, note: `now ${to}`, updatedAt: app.clock.now() });
    const recorded = (await eventsOf(EVENT[to as Exclude<State, "planned">], run)).filter((e) => e.subject === unit);
    expect(recorded).toHaveLength(1);
    expect(JSON.parse(recorded[0]!.meta)).toMatchObject({ from, to });
    expect(recorded[0]!.actorKind).toBe("agent");
    expect(await totalEvents()).toBe(before + 1);
  });

  test.each(PAIRS.filter((p) => !p.allowed))("$from → $to is refused with an actionable message and changes nothing", async ({ from, to }) => {
    const unit = await unitIn(from);
    app.clock.advance(1000);
    const before = await snapshot(run);
    // A note and a read-only path ride along: neither may be stored, nor the violation recorded.
    const result = await call("update_work_unit", { run_id: run, unit_id: unit, status: to, note: "should not stick", paths: ["docs/guide.md"] });
    expect(result.isError).toBe(true);
    expect(result.rpcError).toBeNull();
    expect(result.text).toStartWith(`conflict: work unit ${unit} is ${from}; it cannot become ${to}`);
    expect(result.text).toContain(ALLOWED[from].length ? `(allowed next: ${ALLOWED[from].join(", ")})` : "(it is finished; plan a new unit with plan_work)");
    expect(await snapshot(run)).toEqual(before);
  });

  test.each(STATES)("repeating the current status (%s) is an idempotent no-op: no event, nothing changes", async (state) => {
    const unit = await unitIn(state);
    app.clock.advance(1000);
    const before = await snapshot(run);
    expect(await ok("update_work_unit", { run_id: run, unit_id: unit, status: state })).toEqual({ unit_id: unit, status: state, previous_status: state, violations: [], conflicts: [] });
    expect(await snapshot(run)).toEqual(before);
  });

  test.each([
    ["an unknown status", () => ({ status: "cancelled" }), "invalid:"],
    ["a missing status", () => ({ status: undefined }), "invalid:"],
    ["a note over 500 characters", () => ({ status: "in_progress", note: "n".repeat(501) }), "invalid:"],
    ["an unknown field", () => ({ status: "in_progress", body: "file contents" }), "invalid:"],
    ["a path with ..", () => ({ status: "in_progress", paths: ["../secrets.txt"] }), "invalid:"],
    ["a malformed unit id", () => ({ status: "in_progress", unit_id: "unit-1" }), "invalid:"],
    ["a unit id that does not exist", () => ({ status: "in_progress", unit_id: "wu_AAAAAAAAAAAAAAAAAAAA" }), "not_found:"],
  ] as const)("%s is refused and the unit stays planned", async (_label, patch, prefix) => {
    const unit = await unitIn("planned");
    const before = await snapshot(run);
    const result = await call("update_work_unit", { run_id: run, unit_id: unit, ...patch() });
    expect(result.isError).toBe(true);
    expect(result.text).toStartWith(prefix);
    const after = await snapshot(run);
    expect({ ...after, events: 0 }).toEqual({ ...before, events: 0 });
  });

  test("a unit of another run, or another user's unit, is not found and not changed", async () => {
    const unit = await unitIn("planned");
    const otherRun = (await ok("start_run", { project: "shop", title: "other run" })).run_id;
    const viaOtherRun = await call("update_work_unit", { run_id: otherRun, unit_id: unit, status: "in_progress" });
    expect(viaOtherRun.isError).toBe(true);
    expect(viaOtherRun.text).toContain(`work unit '${unit}' in run ${otherRun} not found`);
    const byStranger = await call("update_work_unit", { run_id: run, unit_id: unit, status: "in_progress" }, stranger);
    expect(byStranger.isError).toBe(true);
    expect(byStranger.text).toContain("start one with start_run");
    expect((await unitRow(run, unit)).status).toBe("planned");
  });

  test("no unit changes after its run finished, whatever the transition", async () => {
    const finishing = await runIn("plan", "finishing");
    const active = (await ok("plan_work", { run_id: finishing, units: [{ title: "half done", paths: [] }, { title: "untouched", paths: [] }] })).units.map((u: any) => u.unit_id);
    await ok("update_work_unit", { run_id: finishing, unit_id: active[0], status: "in_progress" });
    await ok("finish_run", { run_id: finishing, outcome: "failed", summary: "gave up" });
    const before = await snapshot(finishing);
    for (const [unit, status] of [[active[0], "done"], [active[0], "failed"], [active[1], "in_progress"], [active[1], "skipped"]]) {
      const result = await call("update_work_unit", { run_id: finishing, unit_id: unit, status });
      expect(result.isError).toBe(true);
      expect(result.text).toBe(`conflict: run ${finishing} is failed; nothing can change after a run finished (start a new run with start_run)`);
    }
    expect(await snapshot(finishing)).toEqual(before);
  });
});

// ---- planning ----------------------------------------------------------------------------------

describe("plan_work", () => {
  test("units with out-of-scope paths are stored: a success (not isError) listing the violations, which are recorded", async () => {
    const run = await runIn("plan", "planning out of scope");
    const result = await call("plan_work", { run_id: run, units: [{ title: "Docs and billing", paths: ["docs/guide.md", "src/secret-billing/x.ts"] }, { title: "API", paths: ["src/api/a.ts"] }] });
    expect({ isError: result.isError, rpcError: result.rpcError }).toEqual({ isError: false, rpcError: null });
    expect(result.structured.units.map((u: any) => [u.title, u.status])).toEqual([["Docs and billing", "planned"], ["API", "planned"]]);
    expect(result.structured.violations).toEqual([
      { path: "docs/guide.md", access: "read_only", action: "plan" },
      { path: "‹secret-billing›", access: "excluded", action: "plan" },
    ]);
    expect(result.text).not.toContain("CANARY");
    const { units, drift } = await snapshot(run);
    expect(units).toHaveLength(2);
    expect(drift.map((d) => [d.kind, d.detail]).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)))).toEqual([
      ["scope_violation", { access: "excluded", action: "plan", source: "plan_work" }],
      ["scope_violation", { access: "read_only", action: "plan", source: "plan_work" }],
    ]);
    expect((await eventsOf("scope.violation", run)).map((e) => JSON.parse(e.meta).access)).toEqual(["read_only", "excluded"]);
    expect(JSON.parse((await eventsOf("work_unit.planned", run))[0]!.meta)).toEqual({ units: 2, paths: 3, violations: 2 });
  });

  test("the same call repeated returns the same units and stores nothing new (no unit, violation or event)", async () => {
    const run = await runIn("plan", "planning twice");
    const args = { run_id: run, units: [{ title: "Endpoint", paths: ["src/api/a.ts", "docs/guide.md"] }, { title: "Tests", paths: ["src/api/a.test.ts"] }] };
    const first = await ok("plan_work", args);
    const before = await snapshot(run);
    const again = await ok("plan_work", args);
    expect(again).toEqual(first);
    expect(await snapshot(run)).toEqual(before);
    // The same paths in another order are the same unit; another title is another unit.
    const reordered = await ok("plan_work", { run_id: run, units: [{ title: "Endpoint", paths: ["docs/guide.md", "src/api/a.ts"] }, { title: "Docs", paths: ["docs/guide.md"] }] });
    expect(reordered.units[0].unit_id).toBe(first.units[0].unit_id);
    expect(reordered.units[1].unit_id).not.toBe(first.units[1].unit_id);
    expect((await snapshot(run)).units.map((u) => u.title)).toEqual(["Endpoint", "Tests", "Docs"]);
  });

  test("a finished unit is not reused: planning it again (the way to redo it) creates a new unit", async () => {
    const run = await runIn("plan", "redo");
    const unit = { title: "Flaky fix", paths: ["src/api/flaky.ts"] };
    const first = (await ok("plan_work", { run_id: run, units: [unit] })).units[0].unit_id;
    await ok("update_work_unit", { run_id: run, unit_id: first, status: "in_progress" });
    expect((await ok("plan_work", { run_id: run, units: [unit] })).units[0]).toEqual({ unit_id: first, title: unit.title, status: "in_progress" });
    await ok("update_work_unit", { run_id: run, unit_id: first, status: "failed" });
    const redo = (await ok("plan_work", { run_id: run, units: [unit] })).units[0];
    expect(redo.unit_id).not.toBe(first);
    expect(redo.status).toBe("planned");
    expect((await snapshot(run)).units.map((u) => [u.title, u.status, u.position])).toEqual([[unit.title, "failed", 0], [unit.title, "planned", 1]]);
  });
});

// ---- the run's end ----------------------------------------------------------------------------

const OUTCOMES = ["completed", "failed", "cancelled"] as const;

describe("finish_run", () => {
  test.each(PHASES.slice(0, -1))("completed from the non-final phase '%s' is refused, recorded as run.gate_refused, and the run stays open", async (phase) => {
    const run = await runIn(phase);
    const before = await runRow(run);
    const result = await call("finish_run", { run_id: run, outcome: "completed", summary: "Done early", learnings: ["keep me out"] });
    expect(result.isError).toBe(true);
    expect(result.text).toStartWith(`gate_closed: a run can only complete from its last phase 'ship'; it is in '${phase}'`);
    expect(result.text).toContain("finish with outcome failed or cancelled");
    expect(await runRow(run)).toEqual(before);
    expect(await eventsOf("run.completed", run)).toEqual([]);
    const [refusal] = (await eventsOf("run.gate_refused", run)).filter((e) => JSON.parse(e.meta).reason === "finish_early");
    expect(JSON.parse(refusal!.meta)).toMatchObject({ reason: "finish_early", from: phase, to: "ship" });
    // Finishing early skips the ship gate (and review's, before review): that is drift.
    const drift = (await snapshot(run)).drift.filter((d) => d.kind === "gate_skip");
    expect(drift).toHaveLength(1);
    expect(drift[0]!.detail).toMatchObject({ to: "completed", gates: phase === "review" ? "ship" : "review,ship" });
    expect((await snapshot(run)).notes).toEqual([]);
    expect((await ok("report_usage", { run_id: run, model: "m", input_tokens: 1, output_tokens: 1 })).totals.input_tokens).toBe(1);
  });

  test("completed from the last phase succeeds and records run.completed", async () => {
    const run = await runIn("ship");
    app.clock.advance(1000);
    const done = await ok("finish_run", { run_id: run, outcome: "completed", summary: "Shipped" });
    expect(done).toEqual({ run_id: run, status: "completed", phase: "ship", notes_recorded: 0, finished_at: new Date(app.clock.now()).toISOString() });
    expect(await runRow(run)).toMatchObject({ status: "completed", summary: "Shipped", finishedAt: app.clock.now() });
    expect(await eventsOf("run.completed", run)).toHaveLength(1);
  });

  const ANY_PHASE = PHASES.flatMap((phase) => (["failed", "cancelled"] as const).map((outcome) => ({ phase, outcome })));
  test.each(ANY_PHASE)("$outcome is allowed from '$phase' and records run.$outcome", async ({ phase, outcome }) => {
    const run = await runIn(phase);
    app.clock.advance(1000);
    const result = await ok("finish_run", { run_id: run, outcome, summary: `${outcome} in ${phase}` });
    expect(result).toEqual({ run_id: run, status: outcome, phase, notes_recorded: 0, finished_at: new Date(app.clock.now()).toISOString() });
    expect(await runRow(run)).toMatchObject({ status: outcome, phase, summary: `${outcome} in ${phase}`, finishedAt: app.clock.now() });
    const [event] = await eventsOf(`run.${outcome}`, run);
    expect(JSON.parse(event!.meta)).toMatchObject({ phase });
    expect(event!.actorKind).toBe("agent");
    for (const other of OUTCOMES.filter((o) => o !== outcome)) expect(await eventsOf(`run.${other}`, run)).toEqual([]);
  });

  test("cancelling while awaiting approval expires the pending checkpoint, which can then no longer be approved", async () => {
    const run = await runIn("test");
    await ok("report_build", { run_id: run, kind: "test", exit_code: 0, duration_ms: 10 });
    const gated = await ok("advance_phase", { run_id: run, phase: "review" });
    expect((await runRow(run)).status).toBe("awaiting_approval");
    await ok("finish_run", { run_id: run, outcome: "cancelled", summary: "Not needed any more" });
    expect((await runRow(run)).status).toBe("cancelled");
    const [expired] = await eventsOf("checkpoint.expired", run);
    expect(expired!.subject).toBe(gated.checkpoint_id);
    expect(JSON.parse(expired!.meta)).toMatchObject({ why: "run_finished" });
    expect((await ok("get_checkpoint", { checkpoint_id: gated.checkpoint_id })).status).toBe("expired");
    await expect(Promise.resolve().then(() => decideCheckpoint({ ctx: app.ctx(approver), input: { checkpointId: gated.checkpoint_id, decision: "approve", reason: "late" } }))).rejects.toThrow("already expired");
    expect((await runRow(run)).status).toBe("cancelled");
  });

  const SECRET = crcToken("ghp_");
  test.each([
    ["an unknown outcome", { outcome: "done", summary: "s" }, "invalid:"],
    ["an empty summary", { outcome: "failed", summary: "" }, "invalid:"],
    ["a summary over 2000 characters", { outcome: "failed", summary: "s".repeat(2001) }, "invalid:"],
    ["six learnings", { outcome: "failed", summary: "s", learnings: Array.from({ length: 6 }, (_, i) => `l${i}`) }, "invalid:"],
    ["a learning over 2000 characters", { outcome: "failed", summary: "s", learnings: ["l".repeat(2001)] }, "invalid:"],
    ["an unknown field", { outcome: "failed", summary: "s", diff: "--- a/x" }, "invalid:"],
    ["a secret in the summary", { outcome: "failed", summary: `token ${SECRET}` }, "scanner_blocked:"],
    ["a secret in a learning", { outcome: "cancelled", summary: "s", learnings: ["fine", `use ${SECRET}`] }, "scanner_blocked:"],
  ] as const)("%s is refused and the run stays open", async (_label, args, prefix) => {
    const run = await runIn("plan");
    const before = await runRow(run);
    const result = await call("finish_run", { run_id: run, ...args });
    expect(result.isError).toBe(true);
    expect(result.text).toStartWith(prefix);
    expect(result.text).not.toContain(SECRET);
    expect(await runRow(run)).toEqual(before);
    expect((await snapshot(run)).notes).toEqual([]);
  });

  test("an unknown run, or another user's run, is not found and not finished", async () => {
    const run = await runIn("plan");
    for (const [agent, runId] of [[dev, "run_AAAAAAAAAAAAAAAAAAAA"], [stranger, run]] as const) {
      const result = await call("finish_run", { run_id: runId, outcome: "cancelled", summary: "mine now" }, agent);
      expect(result.isError).toBe(true);
      expect(result.text).toStartWith("not_found:");
    }
    expect((await runRow(run)).status).toBe("active");
  });
});

describe("nothing is accepted after finish_run", () => {
  /** Every tool that changes a run, with arguments that would succeed on an open run. */
  const MUTATING: readonly [string, (runId: string, unitId: string) => Record<string, unknown>][] = [
    ["plan_work", (run_id) => ({ run_id, units: [{ title: "late unit", paths: ["src/api/late.ts"] }] })],
    ["update_work_unit", (run_id, unit_id) => ({ run_id, unit_id, status: "done", note: "late" })],
    ["report_files", (run_id) => ({ run_id, action: "modified", paths: ["src/api/late.ts"] })],
    ["advance_phase", (run_id) => ({ run_id, phase: "build", summary: "late" })],
    ["request_approval", (run_id) => ({ run_id, reason: "release", summary: "late release" })],
    ["report_build", (run_id) => ({ run_id, kind: "test", exit_code: 0, duration_ms: 5, log_tail: "ok" })],
    ["report_usage", (run_id) => ({ run_id, model: "claude-sonnet-4", input_tokens: 10, output_tokens: 5 })],
    ["link_change", (run_id) => ({ run_id, branch: "late", pr_url: "https://git.example.test/shop/pull/9", commit_sha: "9f2c1ab" })],
    ...OUTCOMES.map((outcome) => ["finish_run", (run_id: string) => ({ run_id, outcome, summary: "again", learnings: ["late learning"] })] as [string, (runId: string) => Record<string, unknown>]),
  ];

  test("the list names every mutating tool of the catalogue", () => {
    const mutating = TOOLS.filter((t) => !t.annotations.readOnlyHint).map((t) => t.name);
    const runBound = mutating.filter((name) => name !== "start_run");
    expect([...new Set(MUTATING.map(([name]) => name))].sort()).toEqual(runBound.sort());
  });

  test.each(OUTCOMES)("after %s: every mutating tool is an isError result and nothing changes", async (outcome) => {
    const run = await runIn(outcome === "completed" ? "ship" : "build", `finished as ${outcome}`);
    const unit = (await ok("plan_work", { run_id: run, units: [{ title: "in flight", paths: ["src/api/a.ts"] }] })).units[0].unit_id;
    await ok("update_work_unit", { run_id: run, unit_id: unit, status: "in_progress" });
    await ok("finish_run", { run_id: run, outcome, summary: `finished as ${outcome}` });
    app.clock.advance(1000);
    const before = await snapshot(run);
    for (const [name, args] of MUTATING) {
      const result = await call(name, args(run, unit));
      expect({ name, isError: result.isError, rpcError: result.rpcError }).toEqual({ name, isError: true, rpcError: null });
      expect(result.text).toBe(`conflict: run ${run} is ${outcome}; nothing can change after a run finished (start a new run with start_run)`);
    }
    expect(await snapshot(run)).toEqual(before);
  });
});
