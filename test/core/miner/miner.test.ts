// The ritual miner (DESIGN §13): rules over the audit trail's window find patterns repeated across
// ≥ N runs of ≥ M people (owner settings: 5, 2, 30 days) and propose runbook patches with their
// evidence; a lead approves (a weakening change needs a second person) or dismisses (muted for the window).
import { afterEach, describe, expect, test } from "bun:test";
import { approveProposal, dismissProposal } from "../../../src/core/miner/decide-proposal.ts";
import { listProposals } from "../../../src/core/miner/list-proposals.ts";
import { runMinerPass } from "../../../src/core/miner/run-miner-pass.ts";
import { advancePhase } from "../../../src/core/run/advance-phase.ts";
import { reportBuild } from "../../../src/core/run/report-build.ts";
import { reportFiles } from "../../../src/core/run/report-files.ts";
import { requestApproval } from "../../../src/core/run/request-approval.ts";
import { startRun } from "../../../src/core/run/start-run.ts";
import { DEFAULT_RUNBOOK_ID } from "../../../src/core/runbook/schemas.ts";
import { DAY } from "../../../src/lib/time.ts";
import { minerCommand } from "../../../src/cli/miner.ts";
import { createMinerWorker, MINER_JOB, type MinerWorkerOptions } from "../../../src/miner/worker.ts";
import { createTestApp, seedUser, type TestApp } from "../../support/app.ts";
import { captureIo } from "../../support/capture-io.ts";
import { seedAgent, type Agent } from "../../support/mcp.ts";
import { seedCanaryProject } from "../../support/projects.ts";
import { eventsOf, runRow } from "../../support/runs.ts";
import { eventually } from "../../stream/receivers.ts";

const apps: TestApp[] = [];
afterEach(async () => {
  for (const a of apps.splice(0)) await a.dispose();
});

interface World {
  app: TestApp;
  devs: Agent[];
  leads: Awaited<ReturnType<typeof seedUser>>[];
  slug: string;
}
async function world(people = 2, minerWorker: MinerWorkerOptions | false = false): Promise<World> {
  const app = await createTestApp({ "key-rate-limit": "1000000" }, { notifier: false, minerWorker });
  apps.push(app);
  const devs: Agent[] = [];
  for (let i = 0; i < people; i++) devs.push(await seedAgent(app, "developer"));
  const leads = [await seedUser(app, "lead"), await seedUser(app, "lead")];
  await seedCanaryProject(app, "shop");
  return { app, devs, leads, slug: "shop" };
}
const ctxOf = (w: World, a: Agent) => w.app.ctx(a.actor);
const start = async (w: World, a: Agent) => (await startRun({ ctx: ctxOf(w, a), input: { project: w.slug, title: "a story" } })).run_id;
const advance = (w: World, a: Agent, run: string, phase: string) => advancePhase({ ctx: ctxOf(w, a), input: { run_id: run, phase } });

/** A run that tries to leave 'test' without a passing test (refused for missing evidence). */
async function evidenceRefusal(w: World, a: Agent): Promise<string> {
  const run = await start(w, a);
  await advance(w, a, run, "build");
  await advance(w, a, run, "test");
  await expect(advance(w, a, run, "review")).rejects.toMatchObject({ code: "gate_closed" });
  return run;
}
/** `count` such runs, spread over the people round-robin. */
async function evidenceRefusals(w: World, count: number, people = w.devs): Promise<string[]> {
  const runs: string[] = [];
  for (let i = 0; i < count; i++) runs.push(await evidenceRefusal(w, people[i % people.length]!));
  return runs;
}
const pass = (w: World) => runMinerPass(w.app.ctx());
const proposals = (w: World) => listProposals({ ctx: w.app.ctx(w.leads[0]!.actor), input: {} });

describe("the ritual miner proposes", () => {
  test("the same gate refused for the same missing evidence in 5 runs of 2 people: a proposal moving the evidence, with its evidence", async () => {
    const w = await world();
    const runs = await evidenceRefusals(w, 5);
    const result = await pass(w);
    expect(result.proposed).toHaveLength(1);
    const [p] = await proposals(w);
    expect(p).toMatchObject({
      rule: "gate_evidence", target: "runbook", status: "open", weakening: true, baseVersion: 1,
      changes: ["exit evidence passing_test moves from 'test' to 'review'"],
      runbook: { id: DEFAULT_RUNBOOK_ID },
    });
    expect(p!.evidence).toMatchObject({ runCount: 5, people: 2, occurrences: 5, detail: { phase: "test", requires: "passing_test" }, windowDays: 30, minRuns: 5, minPeople: 2 });
    expect(new Set(p!.evidence.runs)).toEqual(new Set(runs));
    expect(p!.evidence.firstSeen).toBeLessThanOrEqual(p!.evidence.lastSeen);
    expect(p!.before!.find((ph) => ph.name === "test")!.exit).toEqual({ requires: "passing_test" });
    expect(p!.after!.find((ph) => ph.name === "test")!.exit).toBeNull();
    expect(p!.after!.find((ph) => ph.name === "review")!.exit).toEqual({ requires: "passing_test" });
    expect((await eventsOf(w.app, { type: "runbook_proposal.created" })).map((e) => JSON.parse(e.meta))).toEqual([
      { rule: "gate_evidence", target: "runbook", runs: 5, people: 2, occurrences: 5, weakening: true },
    ]);
  });

  test("a second pass proposes nothing new (idempotent), and records that it ran", async () => {
    const w = await world();
    await evidenceRefusals(w, 5);
    expect((await pass(w)).proposed).toHaveLength(1);
    expect((await pass(w)).proposed).toEqual([]);
    expect(await proposals(w)).toHaveLength(1);
    expect((await eventsOf(w.app, { type: "miner.pass_completed" })).map((e) => JSON.parse(e.meta).proposed)).toEqual([1, 0]);
  });

  test("the same failing build kind before a phase: leaving the phase before requires a passing build (tightening, one approval publishes it)", async () => {
    const w = await world();
    const inFlight: string[] = [];
    for (let i = 0; i < 5; i++) {
      const a = w.devs[i % 2]!;
      const run = await start(w, a);
      await advance(w, a, run, "build");
      await reportBuild({ ctx: ctxOf(w, a), input: { run_id: run, kind: "build", exit_code: 2, duration_ms: 10 } });
      await advance(w, a, run, "test");
      inFlight.push(run);
    }
    await pass(w);
    const p = (await proposals(w)).find((x) => x.rule === "failing_build")!;
    expect(p).toMatchObject({ weakening: false, changes: ["leaving 'build' (before 'test') requires passing_build"], evidence: { runCount: 5, people: 2 } });
    const before = (await runRow(w.app, inFlight[0]!)).runbookVersionId;
    const approved = await approveProposal({ ctx: w.app.ctx(w.leads[0]!.actor), input: { proposalId: p.id, reason: "builds first" } });
    expect(approved.status).toBe("approved");
    expect(approved.versionId).toMatch(/^rbv_/);
    const latest = await w.app.store.read.runbooks.latestVersion(DEFAULT_RUNBOOK_ID);
    expect(latest!.id).toBe(approved.versionId!);
    expect((latest!.phases as { name: string; exit: unknown }[]).find((ph) => ph.name === "build")!.exit).toEqual({ requires: "passing_build" });
    // Runs in flight keep their version.
    expect((await runRow(w.app, inFlight[0]!)).runbookVersionId).toBe(before);
    expect((await eventsOf(w.app, { type: "runbook_proposal.approved" })).map((e) => JSON.parse(e.meta).stage)).toEqual(["published"]);
    expect(await eventsOf(w.app, { type: "runbook.published" })).toHaveLength(2);
    // Applied: the pattern is still in the window, but the next pass has nothing left to change.
    expect((await pass(w)).proposed).toEqual([]);
  });

  test("the same scope exception for the same module: the module becomes editable for the role, after two people approve", async () => {
    const w = await world();
    for (let i = 0; i < 5; i++) {
      const a = w.devs[i % 2]!;
      const run = await start(w, a);
      await reportFiles({ ctx: ctxOf(w, a), input: { run_id: run, action: "modified", paths: [`docs/page-${i}.md`] } });
      await requestApproval({ ctx: ctxOf(w, a), input: { run_id: run, reason: "scope_exception", summary: "docs need an update" } });
    }
    await pass(w);
    const p = (await proposals(w)).find((x) => x.rule === "scope_exception")!;
    expect(p).toMatchObject({ target: "module_access", weakening: true, module: { name: "docs", role: "developer", from: "read_only", to: "editable" } });
    const first = w.app.ctx(w.leads[0]!.actor);
    expect((await approveProposal({ ctx: first, input: { proposalId: p.id } })).status).toBe("awaiting_second");
    // Four eyes: the first approver cannot also give the second approval.
    await expect(approveProposal({ ctx: first, input: { proposalId: p.id } })).rejects.toMatchObject({ code: "forbidden" });
    expect((await w.app.store.read.projects.modulesWithAccess((await w.app.store.read.projects.bySlug("shop"))!.id)).find((m) => m.name === "docs")!.access.developer).toBe("read_only");
    const done = await approveProposal({ ctx: w.app.ctx(w.leads[1]!.actor), input: { proposalId: p.id, reason: "agreed" } });
    expect(done.status).toBe("approved");
    const docs = (await w.app.store.read.projects.modulesWithAccess((await w.app.store.read.projects.bySlug("shop"))!.id)).find((m) => m.name === "docs")!;
    expect(docs.access.developer).toBeUndefined();
    expect((await eventsOf(w.app, { type: "runbook_proposal.approved" })).map((e) => JSON.parse(e.meta).stage)).toEqual(["first", "published"]);
    expect((await eventsOf(w.app, { type: "module.access_changed" })).at(-1)!.meta).toContain(p.id);
  });

  test("the same drift kind in the same phase: a lead's gate on the phase after it", async () => {
    const w = await world();
    for (let i = 0; i < 5; i++) {
      const a = w.devs[i % 2]!;
      const run = await start(w, a);
      await advance(w, a, run, "build");
      // Jumping over the gated review is refused and recorded as gate_skip drift in 'build'.
      await expect(advance(w, a, run, "ship")).rejects.toMatchObject({ code: "gate_closed" });
    }
    await pass(w);
    const p = (await proposals(w)).find((x) => x.rule === "drift_phase")!;
    expect(p).toMatchObject({ weakening: false, changes: ["entering 'test' needs a lead's approval (gate added)"], evidence: { detail: { phase: "build", kind: "gate_skip" }, runCount: 5 } });
    expect(p.after!.find((ph) => ph.name === "test")!.gate).toEqual({ minRole: "lead" });
  });

  test("a weakening runbook patch needs a second person before it is published", async () => {
    const w = await world();
    await evidenceRefusals(w, 5);
    await pass(w);
    const [p] = await proposals(w);
    await approveProposal({ ctx: w.app.ctx(w.leads[0]!.actor), input: { proposalId: p!.id } });
    expect((await w.app.store.read.runbooks.latestVersion(DEFAULT_RUNBOOK_ID))!.version).toBe(1);
    await approveProposal({ ctx: w.app.ctx(w.leads[1]!.actor), input: { proposalId: p!.id } });
    expect((await w.app.store.read.runbooks.latestVersion(DEFAULT_RUNBOOK_ID))!.version).toBe(2);
  });
});

describe("the ritual miner does not propose", () => {
  test("when one person repeats the pattern, however often", async () => {
    const w = await world(1);
    await evidenceRefusals(w, 8);
    expect((await pass(w)).proposed).toEqual([]);
  });

  test("when too few runs repeat it (4 of the 5 needed)", async () => {
    const w = await world();
    await evidenceRefusals(w, 4);
    expect((await pass(w)).proposed).toEqual([]);
  });

  test("when the runs fall outside the window", async () => {
    const w = await world();
    await evidenceRefusals(w, 5);
    w.app.clock.advance(31 * DAY);
    expect((await pass(w)).proposed).toEqual([]);
  });

  test("a dismissed pattern while it is muted (the window); the owner's thresholds decide", async () => {
    const w = await world();
    await evidenceRefusals(w, 5);
    await pass(w);
    const [p] = await proposals(w);
    const dismissed = await dismissProposal({ ctx: w.app.ctx(w.leads[0]!.actor), input: { proposalId: p!.id, reason: "on purpose" } });
    expect(dismissed).toMatchObject({ status: "dismissed", mutedUntil: w.app.clock.now() + 30 * DAY });
    await evidenceRefusals(w, 5);
    expect((await pass(w)).proposed).toEqual([]);
    expect((await eventsOf(w.app, { type: "runbook_proposal.dismissed" }))).toHaveLength(1);
    await expect(approveProposal({ ctx: w.app.ctx(w.leads[1]!.actor), input: { proposalId: p!.id } })).rejects.toMatchObject({ code: "conflict" });
  });

  test("for developers: they can neither list nor decide proposals", async () => {
    const w = await world();
    await expect(listProposals({ ctx: w.app.ctx(w.devs[0]!.human), input: {} })).rejects.toMatchObject({ code: "forbidden" });
    await expect(approveProposal({ ctx: w.app.ctx(w.devs[0]!.human), input: { proposalId: "rbp_x" } })).rejects.toMatchObject({ code: "forbidden" });
  });
});

describe("railyard miner run", () => {
  test("a one-off pass prints what it proposed, and a second one proposes nothing", async () => {
    const w = await world();
    await evidenceRefusals(w, 5);
    const dataDir = w.app.dataDir;
    const first = captureIo(dataDir);
    expect(await minerCommand(["run", "--data-dir", dataDir], first)).toBe(0);
    expect(JSON.parse(first.out())).toMatchObject({ found: 1, proposed: [expect.stringMatching(/^rbp_/)], windowDays: 30 });
    const second = captureIo(dataDir);
    expect(await minerCommand(["run", "--data-dir", dataDir], second)).toBe(0);
    expect(JSON.parse(second.out()).proposed).toEqual([]);
  });
});

describe("the ritual miner's background job", () => {
  // Wall-clock ticks every 30 ms; the job's own interval is measured on the app's manual clock.
  const FAST = { firstDelayMs: 30, intervalMs: 30 } as const;
  const passEvents = async (w: World) => (await eventsOf(w.app, { type: "miner.pass_completed" })).map((e) => JSON.parse(e.meta) as { proposed: number });
  /** An app with the job on and a history that must propose, once the job has proposed by itself. */
  const proposedByTheJob = async (): Promise<World> => {
    const w = await world(2, FAST);
    await evidenceRefusals(w, 5);
    // Nobody runs a pass: each wall-clock tick finds the interval elapsed once the clock moves on.
    await eventually(async () => {
      w.app.clock.advance(FAST.intervalMs);
      return (await proposals(w)).length > 0;
    }, 15_000, "the background job to propose");
    return w;
  };
  /** Five days pass on the app's clock, with wall-clock ticks in between. */
  const daysPass = async (w: World) => {
    for (let i = 0; i < 5; i++) {
      w.app.clock.advance(DAY);
      await Bun.sleep(FAST.intervalMs * 2);
    }
  };

  test("started by the app, it proposes from a repeated history with nobody running a pass, records its pass in the trail, and stops at dispose", async () => {
    const w = await proposedByTheJob();
    const [p] = await proposals(w);
    expect(p).toMatchObject({ rule: "gate_evidence", status: "open", evidence: { runCount: 5, people: 2 } });
    const passes = await passEvents(w);
    expect(passes.filter((e) => e.proposed === 1)).toHaveLength(1);
    expect((await eventsOf(w.app, { type: "miner.pass_completed" })).every((e) => e.actorKind === "system")).toBe(true);
    expect(await w.app.store.read.miner.lastRunAt(MINER_JOB)).not.toBeNull();

    // The worker logged its own passes (nobody else ran one).
    const minerLines = () => w.app.logs().split("\n").filter((l) => l.includes('"ritual miner pass')).map((l) => JSON.parse(l) as { msg: string; proposed?: number });
    await eventually(() => minerLines().some((l) => l.msg === "ritual miner pass" && l.proposed === 1), 5_000, "the job to log its pass");
    expect(minerLines().filter((l) => l.msg === "ritual miner pass" && l.proposed === 1)).toHaveLength(1);

    // Dispose stops the job: no tick reaches the closed store afterwards (it would log a failed pass).
    apps.splice(apps.indexOf(w.app), 1);
    await w.app.dispose();
    const atDispose = minerLines().length;
    await daysPass(w);
    expect(minerLines().length).toBe(atDispose);
    expect(minerLines().filter((l) => l.msg === "ritual miner pass failed")).toEqual([]);
  });

  test("stopping the job ends its passes and leaves no lease behind, so another node can mine at once", async () => {
    const w = await proposedByTheJob();
    await w.app.minerWorker.stop();
    const stopped = (await passEvents(w)).length;
    await daysPass(w);
    expect((await passEvents(w)).length).toBe(stopped);
    // No lease is left behind: another node takes it at once.
    const now = w.app.clock.now();
    expect(await w.app.store.write((tx) => tx.miner.takeLease(MINER_JOB, "node-after-stop", now, now + 60_000))).toBe(true);
  });

  test("a second node on the same store skips while another holds the lease, and skips a turn another node ran recently", async () => {
    const w = await world(2);
    await evidenceRefusals(w, 5);
    const store = w.app.store;
    const a = createMinerWorker(w.app.services, "node-a", { leaseMs: 60_000, intervalMs: 3_600_000 });
    const b = createMinerWorker(w.app.services, "node-b", { leaseMs: 60_000, intervalMs: 3_600_000 });
    // node-a is mining: it holds the job's lease in the store.
    const now = w.app.clock.now();
    expect(await store.write((tx) => tx.miner.takeLease(MINER_JOB, "node-a", now, now + 60_000))).toBe(true);
    expect(await b.runOnce()).toBeNull();
    expect(await b.runOnce({ force: true })).toBeNull();
    expect(await passEvents(w)).toEqual([]);
    expect(await proposals(w)).toEqual([]);

    // node-a finishes its pass (its own lease is its to renew) and releases it.
    const result = await a.runOnce();
    expect(result!.proposed).toHaveLength(1);
    // Within the interval, node-b's turn is skipped: node-a ran it recently.
    w.app.clock.advance(60 * 1000);
    expect(await b.runOnce()).toBeNull();
    expect((await passEvents(w)).map((e) => e.proposed)).toEqual([1]);
    // After the interval, node-b mines (and finds nothing new).
    w.app.clock.advance(3_600_000);
    expect((await b.runOnce())!.proposed).toEqual([]);
    expect((await passEvents(w)).map((e) => e.proposed)).toEqual([1, 0]);
  });

  test("a lease left by a node that died mid-pass is taken over once it runs out", async () => {
    const w = await world(2);
    await evidenceRefusals(w, 5);
    const now = w.app.clock.now();
    expect(await w.app.store.write((tx) => tx.miner.takeLease(MINER_JOB, "node-dead", now, now + 60_000))).toBe(true);
    const b = createMinerWorker(w.app.services, "node-b");
    expect(await b.runOnce({ force: true })).toBeNull();
    w.app.clock.advance(60_000);
    expect((await b.runOnce({ force: true }))!.proposed).toHaveLength(1);
  });
});
