// Three recent screens in headless Chromium, against one app (one web build, one browser): the
// ritual miner's proposals on the Runbooks page (issue 18), the audit-streams card of Settings
// (issue 16) and the sign-in (SSO) settings (issue 15). Each checks what the server then holds.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Browser, Locator, Page } from "playwright-core";
import { DEFAULT_RUNBOOK_ID } from "../../src/core/runbook/schemas.ts";
import { createTestApp, seedUser, type TestApp } from "../support/app.ts";
import { freshWebAssets, HAS_CHROMIUM, launchChromium, serveForBrowser, signIn, type BrowserServer } from "../support/browser.ts";
import { api } from "../support/http.ts";
import { seedAgent } from "../support/mcp.ts";
import { seedCanaryProject } from "../support/projects.ts";
import { seedMinedProposals } from "../support/proposals.ts";
import { eventsOf } from "../support/runs.ts";
import { sessionHeaders } from "../support/session-cookie.ts";

const describeBrowser = HAS_CHROMIUM ? describe : describe.skip;
/** What Chromium logs for the one request a test sends wrong on purpose. */
const REFUSED = "Failed to load resource: the server responded with a status of 400 (Bad Request)";

describeBrowser("recent screens in Chromium", () => {
  let app: TestApp;
  let server: BrowserServer;
  let browser: Browser;
  let owner: Awaited<ReturnType<typeof seedUser>>;
  let lead: Awaited<ReturnType<typeof seedUser>>;
  let ownerHeaders: Record<string, string>;
  let seeded: { runs: string[]; proposals: string[] };

  beforeAll(async () => {
    app = await createTestApp({ "key-rate-limit": "1000000" }, { notifier: false, minerWorker: false, streamWorker: false });
    await seedCanaryProject(app, "shop");
    const devs = [await seedAgent(app, "developer"), await seedAgent(app, "developer")];
    seeded = await seedMinedProposals(app, devs.map((d) => d.actor), "shop");
    owner = await seedUser(app, "owner", "owner@example.test");
    lead = await seedUser(app, "lead", "lead@example.test");
    ownerHeaders = await sessionHeaders(app, owner.actor);
    server = serveForBrowser(app, await freshWebAssets());
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await app?.dispose();
  });

  const read = async (path: string) => (await api(app, "GET", path, { headers: ownerHeaders })).json;

  describe("Runbooks → proposals from the ritual miner", () => {
    test("a lead sees each proposal with its diff and evidence, approves one (a new version is published) and dismisses the other", async () => {
      const { page, context, problems } = await signIn(browser, server.url, lead.user.email);
      await page.goto(`${server.url}/runbooks`);
      const card = page.locator("#runbook-proposals");
      const build = card.getByRole("article", { name: "Proposal: Same failing build before a phase" });
      const evidence = card.getByRole("article", { name: "Proposal: Same gate refused for the same missing evidence" });
      await build.waitFor();
      await evidence.waitFor();

      // The diff against the version it was proposed for, line by line.
      const diff = build.getByLabel(/^Patch against .+ v1$/);
      expect(await diff.locator(".add").allTextContents()).toEqual(["+ build  exit: passing_build"]);
      expect(await diff.locator(".del").allTextContents()).toEqual(["- build"]);
      expect(await build.getByRole("listitem").allTextContents()).toEqual(["leaving 'build' (before 'test') requires passing_build"]);
      // The evidence: counts, thresholds and a link to every run.
      await expect(build.getByText("5 times in 5 runs of 2 people", { exact: false }).count()).resolves.toBe(1);
      await expect(build.getByText("(thresholds: 5 runs, 2 people, 30 days)", { exact: false }).count()).resolves.toBe(1);
      const links = await build.locator("a[href^='/runs/']").evaluateAll((as) => as.map((a) => a.getAttribute("href")));
      expect(new Set(links)).toEqual(new Set(seeded.runs.map((id) => `/runs/${id}`)));
      // A weakening change says it needs two people, and its button says so too.
      expect(await evidence.getByText("loosens the process: two people").count()).toBe(1);
      expect(await evidence.getByRole("button", { name: "Approve (first of two)" }).count()).toBe(1);
      expect(await evidence.locator(".diff .add").allTextContents()).toContain("+ review  gate: lead+  exit: passing_test");

      await build.getByLabel("Reason (optional)").fill("Builds first, then tests");
      await build.getByRole("button", { name: "Approve and publish" }).click();
      await build.waitFor({ state: "detached" });
      await evidence.getByRole("button", { name: "Dismiss" }).click();
      await card.getByText("No open proposals").waitFor();

      const decided = (await api(app, "GET", "/api/runbook-proposals", { headers: await sessionHeaders(app, lead.actor) })).json.proposals;
      const byRule = Object.fromEntries(decided.map((p: { rule: string }) => [p.rule, p]));
      const latestId = (await app.store.read.runbooks.latestVersion(DEFAULT_RUNBOOK_ID))!.id;
      expect(byRule.failing_build.versionId).toBe(latestId);
      expect(byRule.failing_build).toMatchObject({ status: "approved", decidedBy: lead.user.id, decisionReason: "Builds first, then tests", versionId: expect.stringMatching(/^rbv_/) });
      expect(byRule.gate_evidence).toMatchObject({ status: "dismissed", decidedBy: lead.user.id, mutedUntil: expect.any(Number) });
      const latest = await app.store.read.runbooks.latestVersion(DEFAULT_RUNBOOK_ID);
      expect(latest!.version).toBe(2);
      expect((latest!.phases as { name: string; exit: unknown }[]).find((ph) => ph.name === "build")!.exit).toEqual({ requires: "passing_build" });
      expect((await eventsOf(app, { type: "runbook_proposal.dismissed" })).map((e) => e.subject)).toEqual([byRule.gate_evidence.id]);
      expect(problems).toEqual([]);
      await context.close();
    });

    test("a developer sees no proposals card on the Runbooks page", async () => {
      const dev = await seedUser(app, "developer");
      const { page, context, problems } = await signIn(browser, server.url, dev.user.email);
      await page.goto(`${server.url}/runbooks`);
      await page.getByRole("heading", { name: "Runbooks" }).first().waitFor();
      await page.waitForLoadState("networkidle");
      expect(await page.locator("#runbook-proposals").count()).toBe(0);
      expect(problems).toEqual([]);
      await context.close();
    });
  });

  describe("Settings → audit streaming", () => {
    const row = (page: Page, name: string): Locator => page.locator("#audit-streams tbody tr", { hasText: name });

    test("the owner adds a destination, sees its lag, pauses and resumes it, and removes it", async () => {
      const { page, context, problems } = await signIn(browser, server.url, owner.user.email);
      await page.goto(`${server.url}/settings`);
      const card = page.locator("#audit-streams");
      await card.getByText("No destinations").waitFor();
      await card.getByRole("button", { name: "Add destination" }).click();
      // A bad address is refused in place, naming the problem; nothing is added.
      await card.getByLabel("Name").fill("SIEM");
      await card.getByLabel("Address").fill("udp://siem.example.internal:514");
      await card.locator("form").getByRole("button", { name: "Add destination" }).click();
      // On the Address field, in plain words (no "Url:" prefix, no banner), and gone once it changes.
      const addressError = card.locator(".field", { has: page.getByLabel("Address") }).locator(".error-text");
      await addressError.waitFor();
      expect(await addressError.textContent()).toStartWith("The address must start with tcp:// or tls://");
      expect(await card.getByLabel("Address").getAttribute("aria-invalid")).toBe("true");
      expect(await card.locator(".banner").count()).toBe(0);
      expect((await read("/api/audit-streams")).streams).toEqual([]);

      await card.getByLabel("Address").fill("tcp://127.0.0.1:6514");
      expect(await addressError.count()).toBe(0);
      await card.getByLabel("Event types").fill("run.*, checkpoint.approved");
      await card.locator("form").getByRole("button", { name: "Add destination" }).click();
      const siem = row(page, "SIEM");
      await siem.waitFor();
      const [stream] = (await read("/api/audit-streams")).streams;
      expect(stream).toMatchObject({ name: "SIEM", url: "tcp://127.0.0.1:6514", enabled: true, eventTypes: ["run.*", "checkpoint.approved"] });
      // Nothing is delivered (the worker is off here): the whole retained trail is the lag.
      expect(stream.lag.events).toBeGreaterThan(0);
      expect(await siem.locator("td").nth(2).textContent()).toContain(`${stream.lag.events} events`);
      // …and in time: how far behind the oldest undelivered event is.
      expect(stream.lag.seconds).toBeGreaterThanOrEqual(0);
      expect(await siem.locator("td").nth(2).locator(".sub").textContent()).toMatch(/^(\d+ ms|\d+\.\d s|\d+ min \d+ s) behind$/);
      expect(await siem.getByText("catching up").count()).toBe(1);
      expect(await siem.getByText("only run.*, checkpoint.approved").count()).toBe(1);

      await siem.getByRole("button", { name: "Pause" }).click();
      await siem.getByText("paused").waitFor();
      expect((await read("/api/audit-streams")).streams[0].enabled).toBe(false);
      await siem.getByRole("button", { name: "Resume" }).click();
      await siem.getByRole("button", { name: "Pause" }).waitFor();
      expect((await read("/api/audit-streams")).streams[0].enabled).toBe(true);

      // Removing asks first; declining keeps it.
      page.once("dialog", (d) => void d.dismiss());
      await siem.getByRole("button", { name: "Remove" }).click();
      await page.waitForLoadState("networkidle");
      expect((await read("/api/audit-streams")).streams).toHaveLength(1);
      page.once("dialog", (d) => void d.accept());
      await siem.getByRole("button", { name: "Remove" }).click();
      await card.getByText("No destinations").waitFor();
      expect((await read("/api/audit-streams")).streams).toEqual([]);
      expect(problems).toEqual([REFUSED]);
      await context.close();
    });
  });

  describe("Settings → sign-in and single sign-on", () => {
    test("the owner configures OIDC with a write-only secret, adds a mapping rule, and turns SSO-only mode on after confirming", async () => {
      const { page, context, problems } = await signIn(browser, server.url, owner.user.email);
      await page.goto(`${server.url}/settings`);
      const oidc = page.getByRole("form", { name: "OpenID Connect" });
      await oidc.waitFor();

      // An http:// issuer off loopback is refused with the field named; nothing is saved.
      await oidc.getByLabel("Issuer URL").fill("http://idp.example.test/realms/team");
      await oidc.getByRole("button", { name: "Save OIDC" }).click();
      await oidc.getByRole("alert").waitFor();
      expect(await oidc.getByRole("alert").textContent()).toContain("An http:// issuer is accepted only on a loopback address");
      expect((await read("/api/settings/identity")).identity.oidc.issuer).toBe("https://idp.example.internal");

      await oidc.getByText('Offer "Sign in with SSO"').click();
      await oidc.getByLabel("Issuer URL").fill("https://idp.example.test/realms/team");
      await oidc.getByLabel("Client ID").fill("railyard-web");
      await oidc.getByLabel("Client secret").fill("a-client-secret-for-the-browser-test");
      await oidc.getByLabel("Extra scopes").fill("groups offline_access");
      await oidc.getByRole("button", { name: "Save OIDC" }).click();
      await oidc.getByText("OIDC settings saved.").waitFor();
      // The secret is write-only: the field is emptied and the page only says one is set.
      expect(await oidc.getByLabel("Client secret").inputValue()).toBe("");
      await oidc.getByText("A secret is set; type a new one to replace it.").waitFor();
      expect(await page.content()).not.toContain("a-client-secret-for-the-browser-test");
      expect((await read("/api/settings/identity")).identity.oidc).toMatchObject({
        enabled: true, issuer: "https://idp.example.test/realms/team", clientId: "railyard-web", scopes: ["groups", "offline_access"], clientSecretSet: true,
      });

      const rules = page.getByRole("form", { name: "Role mapping" });
      await rules.getByRole("button", { name: "Add rule" }).click();
      await rules.getByLabel("Value of rule 1").fill("railyard-leads");
      await rules.getByLabel("Role of rule 1").selectOption("lead");
      await rules.getByRole("button", { name: "Add rule" }).click();
      await rules.getByLabel("Claim of rule 2").fill("email");
      await rules.getByLabel("Value of rule 2").fill("@example.test");
      await rules.getByRole("button", { name: "Move rule 2 up" }).click();
      await rules.getByLabel("When no rule matches").selectOption("none");
      await rules.getByRole("button", { name: "Save mapping" }).click();
      await rules.getByText("Mapping rules saved.").waitFor();
      const settings = (await read("/api/settings")).settings;
      expect(settings.ssoRoleRules).toEqual([
        { provider: "any", claim: "email", value: "@example.test", role: "developer" },
        { provider: "any", claim: "groups", value: "railyard-leads", role: "lead" },
      ]);
      expect(settings.ssoDefaultRole).toBe("none");

      const ssoOnly = page.getByRole("form", { name: "SSO-only mode" });
      await ssoOnly.getByText("Password sign-in off for everyone but the break-glass owner").click();
      await ssoOnly.getByLabel("Break-glass owner", { exact: true }).selectOption(owner.user.id);
      // Declining the confirmation changes nothing and says nothing was saved.
      await ssoOnly.getByRole("button", { name: "Save SSO-only mode" }).click();
      await page.getByRole("dialog").getByRole("button", { name: "Cancel" }).click();
      await page.getByRole("dialog").waitFor({ state: "detached" });
      expect(await ssoOnly.getByText("SSO-only mode saved.").count()).toBe(0);
      expect((await read("/api/settings/identity")).identity.ssoOnly).toBe(false);

      await ssoOnly.getByRole("button", { name: "Save SSO-only mode" }).click();
      await page.getByRole("dialog").getByRole("button", { name: "Turn on SSO-only" }).click();
      await ssoOnly.getByText("SSO-only mode saved.").waitFor();
      expect((await read("/api/settings/identity")).identity).toMatchObject({ ssoOnly: true, breakGlassOwnerId: owner.user.id });
      expect((await eventsOf(app, { type: "auth.sso_only_changed" })).map((e) => JSON.parse(e.meta))).toEqual([{ enabled: true, breakGlassOwnerId: owner.user.id }]);
      const changed = (await eventsOf(app, { type: "identity.settings_changed" })).map((e) => e.meta).join("\n");
      expect(changed).toContain("oidc.clientSecret:set");
      expect(changed).not.toContain("a-client-secret-for-the-browser-test");
      expect(problems).toEqual([REFUSED]);
      await context.close();
    });

    test("a lead sees no sign-in settings, and the Settings page asks for nothing a lead is refused", async () => {
      await api(app, "PATCH", "/api/settings/identity", { headers: ownerHeaders, body: { ssoOnly: false } });
      const { page, context, problems } = await signIn(browser, server.url, lead.user.email);
      await page.goto(`${server.url}/settings`);
      await page.getByRole("heading", { name: "Settings" }).first().waitFor();
      await page.waitForLoadState("networkidle");
      expect(await page.getByRole("heading", { name: "Sign-in and single sign-on" }).count()).toBe(0);
      expect(problems).toEqual([]);
      await context.close();
    });
  });
});
