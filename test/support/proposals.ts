// Seeds runbook proposals of the ritual miner the way they arise: agents of several people repeat
// the same off-script behaviour across runs, then one miner pass turns the patterns into proposals.
import type { Actor } from "../../src/core/context.ts";
import { runMinerPass } from "../../src/core/miner/run-miner-pass.ts";
import { advancePhase } from "../../src/core/run/advance-phase.ts";
import { reportBuild } from "../../src/core/run/report-build.ts";
import { startRun } from "../../src/core/run/start-run.ts";
import type { TestApp } from "./app.ts";

/**
 * `runs` runs on the default runbook, round-robin over `agents`: each fails its build in 'build',
 * moves on to 'test' anyway, and is refused leaving 'test' (for `afterTest`) without a passing test. One pass then
 * proposes two patches: "leaving 'build' requires passing_build" (tightening) and "passing_test
 * moves to the next phase" (weakening). Returns the run ids and the pass's proposal ids.
 */
export async function seedMinedProposals(
  app: TestApp,
  agents: readonly Extract<Actor, { kind: "agent" }>[],
  project: string,
  { runs = 5, titles = ["a story"], afterTest = "review", build = "failing" }: {
    runs?: number;
    titles?: readonly string[];
    /** The phase after 'test' in the runbook. */
    afterTest?: string;
    /** "passing" for a runbook whose 'build' already requires a passing build (only the test pattern is then found). */
    build?: "failing" | "passing";
  } = {},
) {
  const ids: string[] = [];
  for (let i = 0; i < runs; i++) {
    const ctx = app.ctx(agents[i % agents.length]!);
    const run = (await startRun({ ctx, input: { project, title: titles[i % titles.length]! } })).run_id;
    await advancePhase({ ctx, input: { run_id: run, phase: "build" } });
    await reportBuild({ ctx, input: { run_id: run, kind: "build", exit_code: build === "failing" ? 2 : 0, duration_ms: 8_000 + i * 700 } });
    await advancePhase({ ctx, input: { run_id: run, phase: "test" } });
    // On purpose: leaving 'test' without a passing test is refused (the pattern the miner finds).
    await advancePhase({ ctx, input: { run_id: run, phase: afterTest } }).then(
      () => { throw new Error("expected the gate to refuse leaving 'test' without a passing test"); },
      (error: { code?: string }) => { if (error.code !== "gate_closed") throw error; },
    );
    ids.push(run);
    app.clock.advance(17 * 60_000);
  }
  const pass = await runMinerPass(app.ctx());
  return { runs: ids, proposals: pass.proposed };
}
