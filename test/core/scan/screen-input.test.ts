// Every agent-supplied string passes the scanner before storage: reject (default) or redact, with
// an audit event carrying kinds and keyed fingerprints, never the value.
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { withActor, type ScanFinding } from "../../../src/core/context.ts";
import { reportBuild } from "../../../src/core/run/report-build.ts";
import { startRun } from "../../../src/core/run/start-run.ts";
import { updateSettings } from "../../../src/core/setting/update-settings.ts";
import { screenInput } from "../../../src/core/scan/screen-input.ts";
import { auditEvents, builds, runs } from "../../../src/db/schema/index.ts";
import { createTestApp, seedUser, type TestApp } from "../../support/app.ts";
import { seedAgent, type Agent } from "../../support/mcp.ts";
import { inspect } from "../../support/inspect.ts";
import { seedCanaryProject } from "../../support/projects.ts";

const MARKER = "PLANTED-SECRET-42";
/** A fake scanner that flags the planted marker as a GitHub token. */
const fakeScan = (text: string): ScanFinding[] => {
  const at = text.indexOf(MARKER);
  return at === -1 ? [] : [{ kind: "github_token", category: "secret", start: at, end: at + MARKER.length }];
};

let app: TestApp;
let agent: Agent;
beforeEach(async () => {
  app = await createTestApp();
  await seedCanaryProject(app);
  agent = await seedAgent(app);
});
afterEach(() => app.dispose());

const ctx = () => withActor({ ...app.services, scan: fakeScan }, agent.actor);
const eventsOf = (type: string) => inspect(app).select().from(auditEvents).where(eq(auditEvents.type, type)).all();

describe("reject (the default policy)", () => {
  test("refuses the whole call naming the field and kind, never the value, and stores nothing", async () => {
    let error: any = null;
    try {
      await startRun({ ctx: ctx(), input: { project: "shop", title: `deploy with ${MARKER}` } });
    } catch (e) {
      error = e;
    }
    expect(error?.code).toBe("scanner_blocked");
    expect(error.message).toBe("field 'title' contains secret: github_token; remove it and retry");
    expect(JSON.stringify(error.details)).not.toContain(MARKER);
    expect(inspect(app).select().from(runs).all()).toEqual([]);
    const [event] = eventsOf("scanner.blocked");
    expect(JSON.parse(event!.meta)).toMatchObject({ fields: ["title"], kinds: ["github_token"] });
    expect(JSON.parse(event!.meta).fingerprints[0]).toMatch(/^[0-9a-f]{16}$/);
    expect(event!.meta).not.toContain(MARKER);
    expect(app.logs()).not.toContain(MARKER);
  });

  test("the same secret gives the same fingerprint (correlation without the text)", async () => {
    const a = () => screenInput(ctx(), [{ field: "x", value: `a ${MARKER}` }]);
    await expect(a()).rejects.toThrow();
    await expect(a()).rejects.toThrow();
    const [first, second] = eventsOf("scanner.blocked").map((e) => JSON.parse(e.meta).fingerprints[0]);
    expect(first).toBe(second);
  });

  test("clean input passes unchanged and records nothing", async () => {
    expect(await screenInput(ctx(), [{ field: "title", value: "Add invoices (SHOP-12) 9f2c1ab" }])).toEqual(["Add invoices (SHOP-12) 9f2c1ab"]);
    expect(eventsOf("scanner.blocked")).toEqual([]);
  });
});

describe("redact (owner setting)", () => {
  test("stores [REDACTED:kind] in place and records scanner.redacted", async () => {
    const { actor: owner } = await seedUser(app, "owner");
    await updateSettings({ ctx: app.ctx(owner), input: { scannerPolicy: "redact" } });
    const run = (await startRun({ ctx: ctx(), input: { project: "shop", title: "clean" } })).run_id;
    await reportBuild({ ctx: ctx(), input: { run_id: run, kind: "test", exit_code: 1, duration_ms: 5, log_tail: `failed: ${MARKER} leaked` } });
    const row = inspect(app).select().from(builds).where(eq(builds.runId, run)).get()!;
    expect(row.logTail).toBe("failed: [REDACTED:github_token] leaked");
    const [event] = eventsOf("scanner.redacted");
    expect(JSON.parse(event!.meta)).toMatchObject({ fields: ["log_tail"], kinds: ["github_token"] });
    expect(event!.meta).not.toContain(MARKER);
  });
});
