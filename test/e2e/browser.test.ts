// The web app in headless Chromium against a real server: sign-in, keys, live runs and approvals
// driven by a real MCP client, role-based hiding, and audit verification.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Client } from "@modelcontextprotocol/client";
import type { Browser, Page } from "playwright-core";
import { createModule } from "../../src/core/project/create-module.ts";
import { createProject } from "../../src/core/project/create-project.ts";
import { issueSetupToken } from "../../src/core/user/setup.ts";
import { createTestApp, seedUser, TEST_PASSWORD, type TestApp } from "../support/app.ts";
import { freshWebAssets, HAS_CHROMIUM, launchChromium, serveForBrowser, signIn, type BrowserServer } from "../support/browser.ts";
import { connectV2, structured } from "../support/mcp.ts";

/** A link of the main navigation (the count badge may follow the label). */
const nav = (page: Page, label: string) => page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: new RegExp(`^${label}`) });

const describeBrowser = HAS_CHROMIUM ? describe : describe.skip;
const suiteName = HAS_CHROMIUM ? "the web app in Chromium" : "the web app in Chromium (skipped: /usr/bin/chromium is not installed; apt-get install chromium)";

describeBrowser(suiteName, () => {
  let app: TestApp;
  let server: BrowserServer;
  let browser: Browser;
  const people: Record<"owner" | "lead" | "developer" | "auditor", { email: string; name: string }> = {} as never;
  const shared: { key?: string; runId?: string; checkpointId?: string; agent?: Client; developerPage?: Page; leadPage?: Page } = {};

  beforeAll(async () => {
    app = await createTestApp();
    for (const role of ["owner", "lead", "developer", "auditor"] as const) {
      const { user } = await seedUser(app, role, `${role}@example.test`);
      people[role] = { email: user.email, name: user.name };
    }
    await createProject({ ctx: app.ctx(), input: { slug: "shop", name: "Shop" } });
    await createModule({ ctx: app.ctx(), input: { projectSlug: "shop", name: "billing", globs: ["src/billing/**"], access: { developer: "excluded", auditor: "excluded" } } });
    server = serveForBrowser(app, await freshWebAssets());
    browser = await launchChromium();
  });

  afterAll(async () => {
    await shared.agent?.close().catch(() => {});
    await browser?.close();
    await server?.stop();
    await app?.dispose();
  });

  test("first-run setup reads the token from the URL fragment, creates the owner and signs them in", async () => {
    const fresh = await createTestApp();
    const freshServer = serveForBrowser(fresh, await freshWebAssets());
    const context = await browser.newContext();
    try {
      const token = (await issueSetupToken(fresh.ctx()))!;
      const page = await context.newPage();
      await page.goto(`${freshServer.url}/setup#token=${token}`);
      await page.getByRole("heading", { name: "Create the owner account" }).waitFor();
      expect(page.url()).toBe(`${freshServer.url}/setup`);
      await page.getByLabel("Your name").fill("Olu Owner");
      await page.getByLabel("Email").fill("olu@example.test");
      await page.getByLabel("Password", { exact: true }).fill("short");
      await page.getByLabel("Repeat password").fill("short");
      await page.getByRole("button", { name: "Create owner account" }).click();
      // The browser's own minlength check stops a too-short password before any request.
      expect(await page.getByRole("heading", { name: "Create the owner account" }).count()).toBe(1);
      await page.getByLabel("Password", { exact: true }).fill(TEST_PASSWORD);
      await page.getByLabel("Repeat password").fill(`${TEST_PASSWORD}x`);
      await page.getByRole("button", { name: "Create owner account" }).click();
      await page.getByText("The passwords differ.").waitFor();
      await page.getByLabel("Repeat password").fill(TEST_PASSWORD);
      await page.getByRole("button", { name: "Create owner account" }).click();
      await page.getByRole("heading", { name: "Dashboard" }).waitFor({ timeout: 15_000 });
      expect(await page.locator("header.topbar").textContent()).toContain("Olu Owner");

      // A used link says so at once, instead of showing a form that fails only on submit.
      const again = await context.newPage();
      await again.goto(`${freshServer.url}/setup#token=${token}`);
      await again.getByText("Setup is already complete: this link has been used.").waitFor();
      expect(await again.getByLabel("Your name").count()).toBe(0);
      expect(await again.getByRole("button", { name: "Create owner account" }).count()).toBe(0);
    } finally {
      await context.close();
      await freshServer.stop();
      await fresh.dispose();
    }
  }, 40_000);

  test("served over plain HTTP beyond loopback, every page warns that the connection is not encrypted", async () => {
    const lan = await createTestApp({ host: "0.0.0.0", "public-url": "http://railyard.example.test:7433" });
    const lanServer = serveForBrowser(lan, await freshWebAssets());
    try {
      await seedUser(lan, "developer", "dev@example.test");
      const { page, context } = await signIn(browser, lanServer.url, "dev@example.test");
      await page.getByText("This connection is not encrypted", { exact: false }).waitFor();
      await context.close();
      const local = await signIn(browser, server.url, people.developer.email);
      await local.page.getByRole("heading", { name: "Dashboard" }).waitFor();
      expect(await local.page.getByText("This connection is not encrypted", { exact: false }).count()).toBe(0);
      await local.context.close();
    } finally {
      await lanServer.stop();
      await lan.dispose();
    }
  }, 30_000);

  test("an unknown password is refused on the login form with a clear message, and nothing signs in", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${server.url}/`);
    await page.getByLabel("Email").fill(people.owner.email);
    await page.getByLabel("Password").fill("not-the-password-at-all");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByRole("alert").textContent()).resolves.toBe("Email or password is incorrect.");
    expect(await page.getByRole("navigation", { name: "Main" }).count()).toBe(0);
    await context.close();
  }, 30_000);

  test("the login form works from the keyboard alone, and an unknown run shows an error state, not a blank page", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${server.url}/runs/run_00000000000000000000`);
    await page.getByLabel("Email").focus();
    await page.keyboard.type(people.lead.email);
    await page.keyboard.press("Tab");
    await page.keyboard.type(TEST_PASSWORD);
    await page.keyboard.press("Enter");
    const alert = page.getByRole("alert");
    await alert.waitFor();
    expect(await alert.textContent()).toContain("not found");
    expect(await page.getByRole("button", { name: "Try again" }).count()).toBe(1);
    await context.close();
  }, 30_000);

  test("signing in shows the dashboard with the person's name and role, under the CSP without errors", async () => {
    const { page, problems, context } = await signIn(browser, server.url, people.owner.email);
    await page.getByRole("heading", { name: "Dashboard" }).waitFor();
    const topbar = await page.locator("header.topbar").textContent();
    expect(topbar).toContain(people.owner.name);
    expect(topbar).toContain("owner");
    expect(await nav(page, "Settings").count()).toBe(1);
    expect(problems).toEqual([]);
    await context.close();
  }, 30_000);

  test("a developer creates a plugin key and sees it once, with set-up snippets for each client", async () => {
    const { page, problems } = await signIn(browser, server.url, people.developer.email);
    shared.developerPage = page;
    await nav(page, "Keys").click();
    await page.getByRole("button", { name: "Create key" }).click();
    await page.getByLabel("Name").fill("laptop - Claude Code");
    await page.getByRole("dialog").getByRole("button", { name: "Create key" }).click();
    const key = (await page.getByTestId("new-key").textContent())!.trim();
    expect(key).toMatch(/^ryd_/);
    const claude = await page.locator("pre.snippet").textContent();
    expect(claude).toBe(`claude mcp add --transport http railyard ${server.url}/mcp --header "Authorization: Bearer ${key}"`);
    await page.getByRole("tab", { name: "Cursor" }).click();
    expect(JSON.parse((await page.locator("pre.snippet").textContent())!)).toEqual({ mcpServers: { railyard: { url: `${server.url}/mcp`, headers: { Authorization: `Bearer ${key}` } } } });
    await page.getByRole("tab", { name: "VS Code" }).click();
    const vscode = JSON.parse((await page.locator("pre.snippet").textContent())!);
    expect(vscode.inputs[0]).toMatchObject({ type: "promptString", password: true });
    expect(JSON.stringify(vscode)).not.toContain(key);

    await page.getByRole("button", { name: "Done, I saved it" }).click();
    await page.reload();
    await page.getByText("laptop - Claude Code", { exact: true }).waitFor();
    expect(await page.content()).not.toContain(key);
    expect(problems).toEqual([]);
    shared.key = key;
  }, 30_000);

  test("a run started over MCP with that key appears on the lead's runs page without a reload", async () => {
    const { page } = await signIn(browser, server.url, people.lead.email);
    shared.leadPage = page;
    await nav(page, "Runs").click();
    await page.getByText("No runs yet").waitFor();
    await page.locator(".live-dot.on").waitFor();

    shared.agent = await connectV2({ url: server.url, stop: async () => {} }, shared.key!);
    const started = structured(await shared.agent.callTool({ name: "start_run", arguments: { project: "shop", title: "Add invoice export", ticket: "SHOP-42" } }));
    shared.runId = started.run_id;
    await page.getByRole("link", { name: "Add invoice export" }).waitFor({ timeout: 10_000 });
    expect(await page.locator("tbody tr").first().textContent()).toContain(people.developer.name);

    await page.getByRole("link", { name: "Add invoice export" }).click();
    await page.locator(".station.current").waitFor();
    expect(await page.locator(".station.current .name").textContent()).toBe("plan");
    structured(await shared.agent.callTool({ name: "advance_phase", arguments: { run_id: shared.runId, phase: "build" } }));
    await page.locator(".station.current .name", { hasText: "build" }).waitFor({ timeout: 10_000 });
    expect(await page.locator(".station.passed").count()).toBe(1);
  }, 40_000);

  test("paths in a module excluded for the viewer's role render as ‹module› on the run page, never the path", async () => {
    await shared.agent!.callTool({ name: "report_files", arguments: { run_id: shared.runId, action: "read", paths: ["src/billing/ledger.ts", "src/web/invoice.tsx"] } });
    const developer = shared.developerPage!;
    await developer.goto(`${server.url}/runs/${shared.runId}`);
    await developer.getByText("‹billing›").first().waitFor({ timeout: 10_000 });
    expect(await developer.content()).not.toContain("src/billing");
    const lead = shared.leadPage!;
    await lead.getByText("src/billing/ledger.ts").first().waitFor({ timeout: 10_000 });
  }, 30_000);

  test("a developer sees the pending checkpoint in the queue but no approve or reject action", async () => {
    const requested = structured(await shared.agent!.callTool({ name: "request_approval", arguments: { run_id: shared.runId, reason: "dependency_change", summary: "Add the csv-writer dependency" } }));
    shared.checkpointId = requested.checkpoint_id;
    const page = shared.developerPage!;
    await nav(page, "Approvals").click();
    await page.getByText("Add the csv-writer dependency").waitFor({ timeout: 10_000 });
    expect(await page.getByRole("button", { name: "Approve" }).count()).toBe(0);
    expect(await page.getByRole("button", { name: "Reject" }).count()).toBe(0);
    expect(await page.getByText("cannot decide", { exact: false }).count()).toBeGreaterThan(0);
  }, 30_000);

  test("the lead approves from the queue with a reason, and the agent's get_checkpoint sees the decision", async () => {
    const page = shared.leadPage!;
    await nav(page, "Approvals").click();
    await page.getByText("Add the csv-writer dependency").waitFor({ timeout: 10_000 });
    expect(await page.locator("nav .count").textContent()).toBe("1");
    await page.getByRole("button", { name: "Approve" }).click();
    await page.getByText("Give a reason for your decision.").waitFor();
    expect((await shared.agent!.callTool({ name: "get_checkpoint", arguments: { checkpoint_id: shared.checkpointId } })).structuredContent).toMatchObject({ status: "pending" });

    await page.getByLabel("Reason").fill("Licence checked; pinned version.");
    await page.getByRole("button", { name: "Approve" }).click();
    await page.getByText("Nothing waits for a decision").waitFor({ timeout: 10_000 });
    const seen = structured(await shared.agent!.callTool({ name: "get_checkpoint", arguments: { checkpoint_id: shared.checkpointId } }));
    expect(seen).toMatchObject({ status: "approved", decider_role: "lead", reason: "Licence checked; pinned version." });
    // The developer's open queue drops it too, through the live stream.
    await shared.developerPage!.getByText("Nothing waits for a decision").waitFor({ timeout: 10_000 });
  }, 30_000);

  test("a lead who owns a run is told that another lead must decide (four eyes)", async () => {
    const leadKey = await shared.leadPage!.evaluate(async () => {
      const res = await fetch("/api/keys", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ name: "lead agent" }) });
      return ((await res.json()) as { key: string }).key;
    });
    const agent = await connectV2({ url: server.url, stop: async () => {} }, leadKey);
    try {
      const run = structured(await agent.callTool({ name: "start_run", arguments: { project: "shop", title: "Lead's own change" } }));
      structured(await agent.callTool({ name: "request_approval", arguments: { run_id: run.run_id, reason: "release", summary: "Ship the lead's own change" } }));
      const page = shared.leadPage!;
      await page.getByText("Ship the lead's own change").waitFor({ timeout: 10_000 });
      // Screen readers hear about it too: the polite live region carries the announcement.
      await page.locator('.sr-only[aria-live="polite"]', { hasText: "New approval requested" }).waitFor();
      await page.getByText("You own this run; another lead must decide.", { exact: false }).waitFor();
      const card = page.locator("section.card", { hasText: "Ship the lead's own change" });
      expect(await card.getByRole("button", { name: "Approve" }).count()).toBe(0);
    } finally {
      await agent.close();
    }
  }, 30_000);

  test("an auditor verifies the audit chain from the audit explorer", async () => {
    const { page, context, problems } = await signIn(browser, server.url, people.auditor.email);
    expect(await nav(page, "Keys").count()).toBe(0);
    await nav(page, "Audit").click();
    await page.getByRole("cell", { name: /checkpoint approved/ }).first().waitFor();
    await page.getByRole("button", { name: "Verify chain" }).click();
    const result = await page.getByTestId("verify-result").textContent();
    expect(result).toMatch(/^Chain intact: \d+ events verified/);
    expect(await page.getByRole("link", { name: "Export CSV" }).getAttribute("href")).toBe("/api/audit/export?format=csv");
    expect(problems).toEqual([]);
    await context.close();
  }, 30_000);

  test("at 390 px the navigation collapses behind a menu button and the runs list and run detail fit the width", async () => {
    const { page, context } = await signIn(browser, server.url, people.owner.email, { viewport: { width: 390, height: 844 } });
    expect(await page.getByRole("navigation", { name: "Main" }).isVisible()).toBe(false);
    await page.getByRole("button", { name: "Menu" }).click();
    await nav(page, "Runs").click();
    await page.getByRole("link", { name: "Add invoice export" }).waitFor();
    const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(await overflow()).toBeLessThanOrEqual(0);
    await page.getByRole("link", { name: "Add invoice export" }).click();
    await page.getByRole("heading", { name: "Timeline" }).waitFor();
    expect(await overflow()).toBeLessThanOrEqual(0);
    await context.close();
  }, 30_000);
});
