// A refused run verb commits its audit event(s) and nothing else: no summary, note, path, violation
// or checkpoint of the refused call survives. Each case compares everything the run owns before
// and after, and names the exact events the refusal added.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { decideCheckpoint } from "../../../src/core/checkpoint/decide-checkpoint.ts";
import type { Actor } from "../../../src/core/context.ts";
import { AppError } from "../../../src/core/errors.ts";
import { advancePhase } from "../../../src/core/run/advance-phase.ts";
import { finishRun } from "../../../src/core/run/finish-run.ts";
import { planWork } from "../../../src/core/run/plan-work.ts";
import { reportBuild } from "../../../src/core/run/report-build.ts";
import { requestApproval } from "../../../src/core/run/request-approval.ts";
import { startRun } from "../../../src/core/run/start-run.ts";
import { updateWorkUnit } from "../../../src/core/run/update-work-unit.ts";
import { createTestApp, seedUser, type TestApp } from "../../support/app.ts";
import { seedAgent, type Agent } from "../../support/mcp.ts";
import { seedCanaryProject } from "../../support/projects.ts";
import { eventsOf, runRow, runSnapshot, totalEvents } from "../../support/runs.ts";
import { crcToken } from "../../scanner/helpers.ts";

let app: TestApp;
let dev: Agent;
let stranger: Agent;
let lead: Actor;
beforeAll(async () => {
  app = await createTestApp({ "key-rate-limit": "1000000" });
  await seedCanaryProject(app);
  dev = await seedAgent(app, "developer");
  stranger = await seedAgent(app, "developer");
  lead = (await seedUser(app, "lead")).actor;
});
afterAll(() => app.dispose());

const SECRET = crcToken("ghp_");
const as = (agent: Agent = dev) => app.ctx(agent.actor);

async function newRun(phase: "plan" | "build" | "test" = "plan"): Promise<string> {
  const run = (await startRun({ ctx: as(), input: { project: "shop", title: `refusals in ${phase}` } })).run_id;
  for (const next of ["build", "test"].slice(0, ["plan", "build", "test"].indexOf(phase))) await advancePhase({ ctx: as(), input: { run_id: run, phase: next } });
  app.clock.advance(1000);
  return run;
}

/** The refusal's error, and the types of the events it committed. */
async function refusal(call: () => Promise<unknown>): Promise<{ error: AppError; events: string[] }> {
  const before = await totalEvents(app);
  let error: unknown = null;
  try {
    await call();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(AppError);
  const events = (await eventsOf(app)).slice(before).map((e) => e.type);
  return { error: error as AppError, events };
}

/** Everything the run owns except the trail, whose additions each test names. */
async function state(runId: string) {
  const { events: _events, ...rest } = await runSnapshot(app, runId);
  return rest;
}

describe("advance_phase with a summary", () => {
  test("skipping a gated phase is gate_closed: run.gate_refused and the gate_skip drift signal are committed, the summary is not", async () => {
    const run = await newRun("plan");
    const before = await state(run);
    const { error, events } = await refusal(() => advancePhase({ ctx: as(), input: { run_id: run, phase: "ship", summary: "all done, ship it" } }));
    expect(error.code).toBe("gate_closed");
    expect(events).toEqual(["drift.detected", "run.gate_refused"]);
    const after = await state(run);
    expect(after.run).toEqual(before.run);
    expect(after.run.summary).toBeNull();
    expect(after.drift.map((d) => [d.kind, d.detail])).toEqual([["gate_skip", { from: "plan", to: "ship", gates: "review" }]]);
    expect({ ...after, drift: [] }).toEqual({ ...before, drift: [] });
  });

  test("skipping an ungated phase is gate_closed with run.gate_refused only (no drift), and stores no summary", async () => {
    const run = await newRun("plan");
    const before = await state(run);
    const { error, events } = await refusal(() => advancePhase({ ctx: as(), input: { run_id: run, phase: "test", summary: "skipping build" } }));
    expect(error.code).toBe("gate_closed");
    expect(events).toEqual(["run.gate_refused"]);
    expect(await state(run)).toEqual(before);
  });

  test("leaving a phase without its exit evidence is gate_closed: only run.gate_refused is committed, not the summary", async () => {
    const run = await newRun("test");
    const before = await state(run);
    const { error, events } = await refusal(() => advancePhase({ ctx: as(), input: { run_id: run, phase: "review", summary: "ready for review" } }));
    expect(error.code).toBe("gate_closed");
    expect(error.message).toContain("passing test");
    expect(events).toEqual(["run.gate_refused"]);
    expect(await state(run)).toEqual(before);
  });

  test("a pending checkpoint refuses the move as a conflict and commits nothing, the summary included", async () => {
    const run = await newRun("plan");
    const ck = await requestApproval({ ctx: as(), input: { run_id: run, reason: "dependency_change", summary: "bump the client" } });
    const before = await state(run);
    const { error, events } = await refusal(() => advancePhase({ ctx: as(), input: { run_id: run, phase: "build", summary: "moving on" } }));
    expect(error.code).toBe("conflict");
    expect(error.message).toContain(ck.checkpoint_id);
    expect(events).toEqual([]);
    expect(await state(run)).toEqual(before);
  });

  test("an unknown phase is invalid and stores nothing", async () => {
    const run = await newRun("plan");
    const before = await state(run);
    const { error, events } = await refusal(() => advancePhase({ ctx: as(), input: { run_id: run, phase: "deploy", summary: "deploying" } }));
    expect(error.code).toBe("invalid");
    expect(events).toEqual([]);
    expect(await state(run)).toEqual(before);
  });

  test("a gated phase with its evidence answers awaiting_approval and keeps the summary (on the run and the checkpoint)", async () => {
    const run = await newRun("test");
    await reportBuild({ ctx: as(), input: { run_id: run, kind: "test", exit_code: 0, duration_ms: 5 } });
    const gated = await advancePhase({ ctx: as(), input: { run_id: run, phase: "review", summary: "ready for review" } });
    expect(gated).toMatchObject({ status: "awaiting_approval", phase: "test" });
    const after = await state(run);
    expect(after.run).toMatchObject({ status: "awaiting_approval", phase: "test", summary: "ready for review" });
    expect(after.checkpoints.map((c) => [c.id, c.status, c.summary])).toEqual([[gated.checkpoint_id, "pending", "ready for review"]]);
    await decideCheckpoint({ ctx: app.ctx(lead), input: { checkpointId: gated.checkpoint_id!, decision: "approve", reason: "fine" } });
    expect((await advancePhase({ ctx: as(), input: { run_id: run, phase: "review" } })).phase).toBe("review");
  });
});

describe("update_work_unit refusals change nothing but their event", () => {
  async function unitOf(run: string, paths: string[] = ["src/api/a.ts"]): Promise<string> {
    return (await planWork({ ctx: as(), input: { run_id: run, units: [{ title: `unit ${crypto.randomUUID()}`, paths }] } })).units[0]!.unit_id;
  }

  test("a transition the lifecycle forbids, with a note and an out-of-scope path, records nothing (not even the violation)", async () => {
    const run = await newRun();
    const unit = await unitOf(run);
    const before = await runSnapshot(app, run);
    const { error, events } = await refusal(() => updateWorkUnit({ ctx: as(), input: { run_id: run, unit_id: unit, status: "done", note: "skipped ahead", paths: ["docs/guide.md"] } }));
    expect(error.code).toBe("conflict");
    expect(events).toEqual([]);
    expect(await runSnapshot(app, run)).toEqual(before);
  });

  test("paths that would overflow the unit are invalid: neither the paths nor their violations are stored", async () => {
    const run = await newRun();
    const unit = await unitOf(run, Array.from({ length: 45 }, (_, i) => `src/api/f${i}.ts`));
    const before = await runSnapshot(app, run);
    const more = [...Array.from({ length: 8 }, (_, i) => `src/api/g${i}.ts`), "docs/guide.md", "src/secret-billing/x.ts"];
    const { error, events } = await refusal(() => updateWorkUnit({ ctx: as(), input: { run_id: run, unit_id: unit, status: "in_progress", paths: more } }));
    expect(error.code).toBe("invalid");
    expect(error.message).toContain("at most 50 paths");
    expect(events).toEqual([]);
    expect(await runSnapshot(app, run)).toEqual(before);
  });

  test("a secret in the note is scanner_blocked: only scanner.blocked is recorded and the unit does not move", async () => {
    const run = await newRun();
    const unit = await unitOf(run);
    const before = await state(run);
    const { error, events } = await refusal(() => updateWorkUnit({ ctx: as(), input: { run_id: run, unit_id: unit, status: "in_progress", note: `use ${SECRET}` } }));
    expect(error.code).toBe("scanner_blocked");
    expect(events).toEqual(["scanner.blocked"]);
    expect(await state(run)).toEqual(before);
  });

  test("an unknown unit is not_found and records nothing", async () => {
    const run = await newRun();
    const before = await runSnapshot(app, run);
    const { error, events } = await refusal(() => updateWorkUnit({ ctx: as(), input: { run_id: run, unit_id: "wu_AAAAAAAAAAAAAAAAAAAA", status: "in_progress", paths: ["docs/guide.md"] } }));
    expect(error.code).toBe("not_found");
    expect(events).toEqual([]);
    expect(await runSnapshot(app, run)).toEqual(before);
  });
});

describe("request_approval refusals change nothing but their event", () => {
  test("a secret in the summary is scanner_blocked: only scanner.blocked is recorded, no checkpoint, the run stays active", async () => {
    const run = await newRun();
    const before = await state(run);
    const { error, events } = await refusal(() => requestApproval({ ctx: as(), input: { run_id: run, reason: "release", summary: `deploy with ${SECRET}` } }));
    expect(error.code).toBe("scanner_blocked");
    expect(events).toEqual(["scanner.blocked"]);
    expect(await state(run)).toEqual(before);
    expect((await runRow(app, run)).status).toBe("active");
  });

  test("on a finished run it is a conflict and creates no checkpoint", async () => {
    const run = await newRun();
    await finishRun({ ctx: as(), input: { run_id: run, outcome: "cancelled", summary: "stopped" } });
    const before = await runSnapshot(app, run);
    const { error, events } = await refusal(() => requestApproval({ ctx: as(), input: { run_id: run, reason: "release", summary: "late" } }));
    expect(error.code).toBe("conflict");
    expect(events).toEqual([]);
    expect(await runSnapshot(app, run)).toEqual(before);
  });

  test("on another user's run it is not_found and creates no checkpoint", async () => {
    const run = await newRun();
    const before = await runSnapshot(app, run);
    const { error, events } = await refusal(() => requestApproval({ ctx: as(stranger), input: { run_id: run, reason: "other", summary: "mine now" } }));
    expect(error.code).toBe("not_found");
    expect(events).toEqual([]);
    expect(await runSnapshot(app, run)).toEqual(before);
  });
});
