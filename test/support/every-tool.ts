// One call of every MCP tool along a run's whole life (the conflict path included), as an agent
// makes them: the hot path tests that need every statement used (prepared-statement counts, query
// plans) share it.
import { expect } from "bun:test";
import { decideCheckpoint } from "../../src/core/checkpoint/decide-checkpoint.ts";
import type { Actor } from "../../src/core/context.ts";
import type { TestApp } from "./app.ts";
import { callTool } from "./mcp-call.ts";
import type { Agent } from "./mcp.ts";

async function ok(app: TestApp, agent: Agent, name: string, args: Record<string, unknown>): Promise<any> {
  const r = await callTool(app, agent.key, name, args);
  if (r.isError || r.rpcError) throw new Error(`${name} failed: ${r.text}`);
  return r.structured;
}

/** One call of every tool in the catalogue, along a run's whole life (in project "shop"); returns the tools called. */
export async function everyTool(app: TestApp, agent: Agent, lead: Actor, round: number): Promise<Set<string>> {
  const called = new Set<string>();
  const call = async (name: string, args: Record<string, unknown>) => {
    called.add(name);
    return ok(app, agent, name, args);
  };
  const { run_id: run } = await call("start_run", { project: "shop", title: `round ${round}` });
  await call("get_scope", { project: "shop" });
  const { units } = await call("plan_work", { run_id: run, units: [{ title: "endpoint", paths: ["src/api/invoices.ts"] }] });
  await call("update_work_unit", { run_id: run, unit_id: units[0].unit_id, status: "in_progress" });
  await call("advance_phase", { run_id: run, phase: "build" });
  await call("report_files", { run_id: run, action: "modified", paths: ["src/api/invoices.ts", "src/api/routes.ts"] });
  // A second run wanting a claimed path: the conflict path (holders, drift, the lookalike warning) is warmed too.
  const { run_id: rival, warnings } = await call("start_run", { project: "shop", title: `round ${round}` });
  expect(warnings).toHaveLength(1);
  expect((await call("plan_work", { run_id: rival, units: [{ title: "same file", paths: ["src/api/invoices.ts"] }] })).conflicts).toHaveLength(1);
  expect((await call("get_run", {})).runs.length).toBeGreaterThanOrEqual(2);
  expect((await call("get_run", { run_id: rival })).run.conflicts).toHaveLength(1);
  await call("finish_run", { run_id: rival, outcome: "cancelled", summary: "duplicate" });
  await call("advance_phase", { run_id: run, phase: "test" });
  await call("report_build", { run_id: run, kind: "test", exit_code: 0, duration_ms: 12 });
  const { checkpoint_id: gate } = await call("advance_phase", { run_id: run, phase: "review" });
  await call("get_checkpoint", { checkpoint_id: gate });
  await decideCheckpoint({ ctx: app.ctx(lead), input: { checkpointId: gate, decision: "approve", reason: "ok" } });
  await call("advance_phase", { run_id: run, phase: "review" });
  const { checkpoint_id: asked } = await call("request_approval", { run_id: run, reason: "dependency_change", summary: "bump a library" });
  await decideCheckpoint({ ctx: app.ctx(lead), input: { checkpointId: asked, decision: "approve", reason: "ok" } });
  await call("get_checkpoint", { checkpoint_id: asked, wait_seconds: 1 });
  await call("report_usage", { run_id: run, model: "claude-sonnet-4", input_tokens: 1200, output_tokens: 300, cache_tokens: 50, calls: 3 });
  await call("link_change", { run_id: run, branch: `feature/round-${round}`, pr_url: "https://git.example.test/shop/pull/7", commit_sha: "0123456789abcdef0123456789abcdef01234567" });
  await call("update_work_unit", { run_id: run, unit_id: units[0].unit_id, status: "done" });
  await call("finish_run", { run_id: run, outcome: "failed", summary: "stopped in review", learnings: ["invoices need a migration first"] });
  return called;
}
