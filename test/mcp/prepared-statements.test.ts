// DESIGN §8: every statement on the hot path is prepared once and reused. After one warm-up call of
// every tool, a second call of every tool compiles no SQL statement at all.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { TOOLS } from "../../src/mcp/catalogue.ts";
import { createTestApp, seedUser, type TestApp } from "../support/app.ts";
import { everyTool } from "../support/every-tool.ts";
import { seedAgent, type Agent } from "../support/mcp.ts";
import { seedCanaryProject } from "../support/projects.ts";
import type { Actor } from "../../src/core/context.ts";

let app: TestApp;
let agent: Agent;
let lead: Actor;
beforeAll(async () => {
  // Without the background jobs, which prepare their own statements on their own schedule.
  app = await createTestApp({ "key-rate-limit": "1000000" }, { notifier: false, streamWorker: false });
  await seedCanaryProject(app);
  agent = await seedAgent(app, "developer");
  lead = (await seedUser(app, "lead")).actor;
});
afterAll(() => app.dispose());

test("after one warm-up call of every tool, calling every tool again prepares no SQL statement", async () => {
  const warmed = await everyTool(app, agent, lead, 1);
  expect([...warmed].sort()).toEqual(TOOLS.map((t) => t.name).sort());
  const before = app.store.statementsPrepared();
  await everyTool(app, agent, lead, 2);
  expect(app.store.statementsPrepared() - before).toBe(0);
});

test("the counter does count: a fresh app prepares statements while it opens", async () => {
  const fresh = await createTestApp();
  try {
    expect(fresh.store.statementsPrepared()).toBeGreaterThan(0);
  } finally {
    await fresh.dispose();
  }
});
