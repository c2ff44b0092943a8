// The web app for real teams (issue 13, findings 1 and 3) in Chromium at 1280 and 390 px: with
// 1,000+ runs and 200+ pending checkpoints every list pages and shows the true total, search finds a
// run far beyond the first page, the badge and the dashboard count everything; and people control
// a run from its page: a rejection keeps it blocked (with who and why), a lead unblocks it, revokes
// its key and cancels it, each after a confirmation that says what will happen.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Browser, Page } from "playwright-core";
import type { Actor } from "../../src/core/context.ts";
import { createKey } from "../../src/core/key/create-key.ts";
import type { Role } from "../../src/core/roles.ts";
import { advancePhase } from "../../src/core/run/advance-phase.ts";
import type { RunStatus } from "../../src/core/run/queries.ts";
import { requestApproval } from "../../src/core/run/request-approval.ts";
import { startRun } from "../../src/core/run/start-run.ts";
import { transact } from "../../src/core/transact.ts";
import { insertUser } from "../../src/core/user/create-user.ts";
import { hashPassword } from "../../src/core/user/password.ts";
import { createTestApp, TEST_PASSWORD, type TestApp } from "../support/app.ts";
import { freshWebAssets, HAS_CHROMIUM, holdLiveStream, launchChromium, serveForBrowser, signIn, type BrowserServer } from "../support/browser.ts";
import { seedCanaryProject } from "../support/projects.ts";

const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 860 };
const RUNS = 1000;
const PENDING = 200;
const STATUSES: RunStatus[] = ["active", "completed", "blocked", "failed", "awaiting_approval"];
const seedId = (prefix: string, n: number) => `${prefix}_T${String(n).padStart(19, "0")}`;

const describeBrowser = HAS_CHROMIUM ? describe : describe.skip;
const suiteName = HAS_CHROMIUM ? "the web app at scale and in control of runs, in Chromium" : "the web app at scale and in control of runs, in Chromium (skipped: /usr/bin/chromium is not installed)";

type Person = { id: string; email: string; name: string; human: Actor; agent: Actor; key: string };

describeBrowser(suiteName, () => {
  let app: TestApp;
  let server: BrowserServer;
  let browser: Browser;
  const people: Record<string, Person> = {};
  /** Runs that are not seeded rows: started through the verbs, so they have a real key and checkpoints. */
  let activeTotal = 0;

  beforeAll(async () => {
    app = await createTestApp();
    const system = app.ctx();
    const passwordHash = await hashPassword(TEST_PASSWORD);
    const person = async (handle: string, name: string, role: Role) => {
      const email = `${handle}@example.test`;
      const user = await transact(system, (tx, record) => insertUser(tx, record, app.clock.now(), { email, name, role, passwordHash }));
      const key = role === "auditor" ? { id: "", key: "" } : await createKey({ ctx: system, input: { name: `${name}'s laptop`, userId: user.id } });
      people[handle] = { id: user.id, email, name, key: key.key, human: { kind: "human", userId: user.id, role }, agent: { kind: "agent", keyId: key.id, userId: user.id, role } };
    };
    await person("owner", "Olu Owner", "owner");
    await person("lead", "Lee Lead", "lead");
    await person("dev", "Dana Dev", "developer");
    await person("dev2", "Devi Second", "developer");
    const { projectId } = await seedCanaryProject(app);

    // One real run gives the seeded rows their runbook version; the rest go straight through the
    // store's own insert methods in one transaction (fast, and the same rows the verbs write).
    const first = await startRun({ ctx: app.ctx(people.dev!.agent), input: { project: "shop", title: "The first run" } });
    const template = (await app.store.read.runs.byId(first.run_id))!;
    activeTotal += 1;
    const now = app.clock.now();
    await transact(system, async (tx) => {
      for (let i = 0; i < RUNS; i++) {
        const status = STATUSES[i % STATUSES.length]!;
        if (status === "active" || status === "blocked" || status === "awaiting_approval") activeTotal += 1;
        await tx.runs.insertRun({
          id: seedId("run", i), projectId, runbookVersionId: template.runbookVersionId, title: `Story number ${i}`, ticket: `T-${i}`, ownerUserId: people.dev!.id, keyId: null,
          status, phase: "plan", phaseEnteredAt: now - i * 1000, branch: `feature/story-${i}`, createdAt: now - i * 1000, updatedAt: now - i * 1000,
        });
      }
      for (let i = 0; i < PENDING; i++) {
        // The oldest request expires soonest: the queue shows those first.
        await tx.checkpoints.insert({
          id: seedId("ckp", i), runId: seedId("run", i), kind: "approval", targetPhase: null, reason: "scope_exception", summary: `Seeded request ${i}`, requiredRole: "lead",
          status: "pending", requestedAt: now - (PENDING - i) * 60_000, expiresAt: now + (i + 1) * 60_000, decidedAt: null, decidedBy: null, deciderRole: null, decisionReason: null,
        });
      }
      // Usage today, so the dashboard draws its (lazily loaded) chart.
      for (let i = 0; i < 3; i++) await tx.runs.insertUsage({ id: seedId("use", i), runId: first.run_id, model: "m", inputTokens: 1000 * (i + 1), outputTokens: 500, cacheTokens: 0, calls: 1, createdAt: now - i * 3_600_000 });
    });
    server = serveForBrowser(app, await freshWebAssets());
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await app?.dispose();
  });

  const overflow = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);

  for (const viewport of [DESKTOP, PHONE]) {
    test(`at ${viewport.width} px the runs list shows the true total, pages with Load more, and search finds a run far beyond the first page ("/" focuses it)`, async () => {
      const { page, context, problems } = await signIn(browser, server.url, people.lead!.email, { viewport });
      await page.goto(`${server.url}/runs`);
      const status = page.locator("main p[role=status]");
      await status.getByText(`${(RUNS + 1).toLocaleString("en-US")} runs, showing 100`).waitFor();
      expect(await page.locator("main tbody tr").count()).toBe(100);
      await page.getByRole("button", { name: "Load more runs" }).click();
      await status.getByText(`${(RUNS + 1).toLocaleString("en-US")} runs, showing 200`).waitFor();
      expect(await page.locator("main tbody tr").count()).toBe(200);

      // The oldest seeded run is on page 11; the server's search finds it at once. "/" focuses
      // the search box from anywhere on the page.
      await page.keyboard.press("/");
      expect(await page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.type)).toBe("search");
      await page.keyboard.type("T-999");
      await status.getByText(/^1 run$/).waitFor();
      expect(await page.locator("main tbody tr").count()).toBe(1);
      expect(await page.locator("main tbody tr").textContent()).toContain("Story number 999");
      expect(page.url()).toContain("q=T-999");
      // A filter narrows on the server too: 200 of the seeded runs are completed.
      await page.getByLabel("Search").fill("");
      await page.getByLabel("Status").selectOption("completed");
      await status.getByText(`${RUNS / 5} runs, showing 100`).waitFor();
      expect(await overflow(page)).toBeLessThanOrEqual(0);
      expect(problems).toEqual([]);
      await context.close();
    }, 60_000);

    test(`at ${viewport.width} px a live refetch keeps the pages a person loaded: after Load more, the stream opening refetches both pages`, async () => {
      const { page, context, problems } = await signIn(browser, server.url, people.lead!.email, { viewport });
      // The live stream opens only once the second page is shown; opening it makes every view refetch.
      const release = await holdLiveStream(page);
      await page.goto(`${server.url}/runs`);
      const status = page.locator("main p[role=status]");
      await status.getByText(`${(RUNS + 1).toLocaleString("en-US")} runs, showing 100`).waitFor();
      await page.getByRole("button", { name: "Load more runs" }).click();
      await status.getByText(`${(RUNS + 1).toLocaleString("en-US")} runs, showing 200`).waitFor();
      const refetched = page.waitForResponse((r) => new URL(r.url()).pathname === "/api/runs" && new URL(r.url()).searchParams.has("cursor"));
      release();
      await refetched;
      await page.waitForTimeout(300);
      expect(await status.textContent()).toBe(`${(RUNS + 1).toLocaleString("en-US")} runs, showing 200`);
      expect(await page.locator("main tbody tr").count()).toBe(200);
      expect(problems).toEqual([]);
      await context.close();
    }, 60_000);

    test(`at ${viewport.width} px the approvals queue counts all ${PENDING} pending checkpoints, soonest to expire first, in the list and in the navigation badge`, async () => {
      const { page, context, problems } = await signIn(browser, server.url, people.lead!.email, { viewport });
      await page.goto(`${server.url}/approvals`);
      await page.getByText(`${PENDING} pending checkpoints, showing 100, soonest to expire first`).waitFor();
      // The first card is the one expiring soonest (the oldest request), not the newest.
      expect(await page.locator("main section.card").first().textContent()).toContain("Seeded request 0");
      await page.getByRole("button", { name: "Load more" }).click();
      await page.getByText(new RegExp(`^${PENDING} pending checkpoints$`)).waitFor();
      expect(await page.locator("main section.card").count()).toBe(PENDING);
      expect(await page.locator("main section.card").last().textContent()).toContain(`Seeded request ${PENDING - 1}`);
      // The badge counts all of them (behind the menu on a phone).
      expect(await page.locator(`nav .count[aria-label="${PENDING} pending"]`).count()).toBe(1);
      expect(await page.title()).toMatch(new RegExp(`^\\(${PENDING}\\) `));
      expect(await overflow(page)).toBeLessThanOrEqual(0);
      expect(problems).toEqual([]);
      await context.close();
    }, 60_000);
  }

  test("the dashboard counts every active run and every pending checkpoint, not a page of them", async () => {
    const { page, context } = await signIn(browser, server.url, people.owner!.email);
    await page.goto(`${server.url}/`);
    const stat = (label: string) => page.locator(".stat", { has: page.locator(".label", { hasText: label }) }).locator(".value");
    await stat("Active runs").getByText(String(activeTotal)).waitFor();
    expect(activeTotal).toBeGreaterThan(500);
    expect(await stat("Pending approvals").textContent()).toBe(String(PENDING));
    await context.close();
  }, 30_000);

  test("screens outside the initial bundle and the uPlot chart arrive as their own chunks from /assets, under the CSP, on first use", async () => {
    const { page, context, problems } = await signIn(browser, server.url, people.owner!.email);
    const fetched: string[] = [];
    page.on("response", (r) => {
      const path = new URL(r.url()).pathname;
      if (path.startsWith("/assets/") && path.endsWith(".js")) fetched.push(`${r.status()} ${path.slice("/assets/".length)}`);
    });
    await page.goto(`${server.url}/`);
    await page.locator("figure.chart canvas").first().waitFor();
    expect(fetched.some((f) => /^200 chunk-usage-chart-[a-z0-9]+\.js$/.test(f))).toBe(true);
    expect(fetched.some((f) => f.includes("chunk-audit-"))).toBe(false);
    await page.getByRole("link", { name: "Audit" }).click();
    await page.getByRole("heading", { name: "Audit log", level: 1 }).or(page.locator("main h1")).first().waitFor();
    expect(fetched.some((f) => /^200 chunk-audit-[a-z0-9]+\.js$/.test(f))).toBe(true);
    expect(problems).toEqual([]);
    await context.close();
  }, 30_000);

  describe("people in control of a run, from its page", () => {
    let runId = "";
    beforeAll(async () => {
      const agent = app.ctx(people.dev2!.agent);
      runId = (await startRun({ ctx: agent, input: { project: "shop", title: "Drop the legacy table" } })).run_id;
      await requestApproval({ ctx: agent, input: { run_id: runId, reason: "destructive_action", summary: "Drop the orders_old table" } });
    });
    const run = async () => (await app.store.read.runs.byId(runId))!;
    const mcpStatus = async (key: string) =>
      (await fetch(`${server.url}/mcp`, {
        method: "POST",
        headers: { authorization: `Bearer ${key}`, "content-type": "application/json", accept: "application/json, text/event-stream", "mcp-protocol-version": "2025-06-18" },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "probe", version: "1" } } }),
      })).status;

    test("a rejection on the run page keeps the run blocked and says who rejected it and why; the agent cannot move it on", async () => {
      const { page, context, problems } = await signIn(browser, server.url, people.lead!.email);
      await page.goto(`${server.url}/runs/${runId}`);
      const decide = page.locator(".decide-card");
      await decide.getByLabel("Reason").fill("Keep the table until the export is verified.");
      await decide.getByRole("button", { name: "Reject" }).click();
      await decide.waitFor({ state: "detached" });
      const banner = page.locator(".banner.warn", { hasText: "Blocked." });
      await banner.waitFor();
      expect(await banner.textContent()).toContain("Rejected by Lee Lead");
      expect(await banner.textContent()).toContain("Keep the table until the export is verified.");
      expect((await run()).status).toBe("blocked");
      await expect(advancePhase({ ctx: app.ctx(people.dev2!.agent), input: { run_id: runId, phase: "build" } })).rejects.toThrow();
      expect((await run()).status).toBe("blocked");
      // The decision is in the run's checkpoint history, with the name.
      await page.locator("section.card", { hasText: "Checkpoint history" }).getByText("Rejected by Lee Lead (lead)").waitFor();
      expect(problems).toEqual([]);
      await context.close();
    }, 30_000);

    test("a developer who does not own the run sees no cancel, unblock or revoke, and a lead may not revoke another person's key", async () => {
      const { page, context } = await signIn(browser, server.url, people.dev!.email);
      await page.goto(`${server.url}/runs/${runId}`);
      await page.getByRole("heading", { name: "Drop the legacy table" }).waitFor();
      for (const name of ["Cancel run", "Unblock", "Revoke key"]) expect(await page.getByRole("button", { name }).count()).toBe(0);
      await context.close();
      const lead = await signIn(browser, server.url, people.lead!.email);
      await lead.page.goto(`${server.url}/runs/${runId}`);
      await lead.page.getByRole("button", { name: "Cancel run" }).waitFor();
      expect(await lead.page.getByRole("button", { name: "Revoke key" }).count()).toBe(0);
      await lead.context.close();
    }, 30_000);

    test("the lead unblocks the run after a confirmation that says what happens; Cancel in the dialog changes nothing", async () => {
      const { page, context } = await signIn(browser, server.url, people.lead!.email);
      await page.goto(`${server.url}/runs/${runId}`);
      await page.getByRole("button", { name: "Unblock" }).click();
      const dialog = page.getByRole("dialog", { name: "Unblock this run?" });
      expect(await dialog.textContent()).toContain("recorded in the audit log");
      await dialog.getByRole("button", { name: "Cancel" }).click();
      await dialog.waitFor({ state: "detached" });
      expect((await run()).status).toBe("blocked");
      await page.getByRole("button", { name: "Unblock" }).click();
      await page.getByRole("dialog").getByRole("button", { name: "Unblock run" }).click();
      await page.locator(".banner.warn", { hasText: "Blocked." }).waitFor({ state: "detached" });
      await page.locator(".toast", { hasText: "Run unblocked." }).waitFor();
      expect((await run()).status).toBe("active");
      expect(await page.getByRole("button", { name: "Unblock" }).count()).toBe(0);
      // Unblocked, the agent may move on again.
      await advancePhase({ ctx: app.ctx(people.dev2!.agent), input: { run_id: runId, phase: "build" } });
      await context.close();
    }, 30_000);

    test("at 390 px the owner revokes the run's key, then the lead cancels the run, each confirmed first; the key stops working at once", async () => {
      const owner = await signIn(browser, server.url, people.owner!.email, { viewport: PHONE });
      const page = owner.page;
      expect(await mcpStatus(people.dev2!.key)).not.toBe(401);
      await page.goto(`${server.url}/runs/${runId}`);
      const revoke = page.getByRole("button", { name: "Revoke key" });
      const box = (await revoke.boundingBox())!;
      expect(box.x + box.width).toBeLessThanOrEqual(PHONE.width);
      await revoke.click();
      const dialog = page.getByRole("dialog", { name: "Revoke the key “Devi Second's laptop”?" });
      expect(await dialog.textContent()).toContain("fails on its next call");
      await dialog.getByRole("button", { name: "Revoke key" }).click();
      await revoke.waitFor({ state: "detached" });
      expect((await app.store.read.keys.byId(people.dev2!.agent.kind === "agent" ? people.dev2!.agent.keyId : ""))?.revokedAt).not.toBeNull();
      expect(await mcpStatus(people.dev2!.key)).toBe(401);
      expect(owner.problems).toEqual([]);
      await owner.context.close();

      const { page: leadPage, context, problems } = await signIn(browser, server.url, people.lead!.email, { viewport: PHONE });
      await leadPage.goto(`${server.url}/runs/${runId}`);
      await leadPage.getByRole("button", { name: "Cancel run" }).click();
      const cancel = leadPage.getByRole("dialog", { name: "Cancel this run?" });
      expect(await cancel.textContent()).toContain("cannot be undone");
      await cancel.getByRole("button", { name: "Cancel run" }).click();
      await cancel.waitFor({ state: "detached" });
      await leadPage.locator("main .page-header .pill", { hasText: "cancelled" }).first().waitFor();
      expect((await run()).status).toBe("cancelled");
      expect(await leadPage.getByRole("button", { name: "Cancel run" }).count()).toBe(0);
      expect(await overflow(leadPage)).toBeLessThanOrEqual(0);
      expect(problems).toEqual([]);
      await context.close();
    }, 30_000);
  });
});
