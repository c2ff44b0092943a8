// OIDC sign-in end to end: a real OpenID provider (oidc-provider, on loopback) and Railyard, driven
// through the real redirect flow in headless Chromium: "Sign in with SSO", the provider's login and
// consent pages, the callback. Covers just-in-time provisioning with a mapped role, profile updates
// at the next sign-in, a forged state, an expired code, an ID token for another audience, a person
// in no mapped group, and disabling at the provider ending the session at its next renewal.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { createTestApp, seedUser, type TestApp } from "../support/app.ts";
import { eventsOf, trailText } from "../support/audit.ts";
import { freshWebAssets, HAS_CHROMIUM, launchChromium, serveForBrowser, type BrowserServer } from "../support/browser.ts";
import { api } from "../support/http.ts";
import { startTestOidcProvider, type TestOidcProvider } from "../support/oidc-provider.ts";
import { sessionHeaders } from "../support/session-cookie.ts";

const describeBrowser = HAS_CHROMIUM ? describe : describe.skip;
const CALLBACK = "/api/auth/oidc/callback";
/** Each test drives one or two whole round trips through two servers and a browser. */
const FLOW_TIMEOUT_MS = 45_000;

describeBrowser("OIDC sign-in in Chromium against a real OpenID provider", () => {
  let idp: TestOidcProvider;
  let app: TestApp;
  let server: BrowserServer;
  let browser: Browser;
  let ownerHeaders: Record<string, string>;
  const scratch = mkdtempSync(join(tmpdir(), "railyard-oidc-"));

  beforeAll(async () => {
    idp = await startTestOidcProvider();
    const secretFile = join(scratch, "client-secret");
    writeFileSync(secretFile, `${idp.clientSecret}\n`, { mode: 0o600 });
    app = await createTestApp({ "oidc-issuer": idp.issuer, "oidc-client-id": idp.clientId, "oidc-client-secret-file": secretFile });
    // The provider checks token lifetimes against the real time; so does Railyard here.
    app.clock.set(Date.now());
    server = serveForBrowser(app, await freshWebAssets());
    idp.start(`${server.url}${CALLBACK}`);
    const owner = await seedUser(app, "owner", "owner@example.test");
    ownerHeaders = await sessionHeaders(app, owner.actor);
    const rules = [
      { provider: "oidc", claim: "groups", value: "railyard-leads", role: "lead" },
      { provider: "any", claim: "groups", value: "Engineering", role: "developer" },
    ];
    const saved = await api(app, "PATCH", "/api/settings", { body: { ssoRoleRules: rules, ssoDefaultRole: "none" }, headers: ownerHeaders });
    expect(saved.status).toBe(200);
    // The issuer comes from the flags; the scope that brings the groups claim is set in Settings.
    const scopes = await api(app, "PATCH", "/api/settings/identity", { body: { oidc: { scopes: ["groups"] } }, headers: ownerHeaders });
    expect(scopes.status).toBe(200);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await app?.dispose();
    await idp?.stop();
    rmSync(scratch, { recursive: true, force: true });
  });

  /** A fresh browser that can reach only loopback addresses (the provider's pages link a web font). */
  async function freshPage(): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext();
    context.setDefaultTimeout(10_000);
    await context.route((url) => url.hostname !== "127.0.0.1", (route) => route.abort());
    return { context, page: await context.newPage() };
  }

  /** Clicks "Sign in with SSO", signs in at the provider as `login` and consents. */
  async function ssoSignIn(page: Page, login: string): Promise<void> {
    await page.goto(`${server.url}/`);
    await page.getByRole("link", { name: "Sign in with SSO" }).click();
    await page.locator('input[name="login"]').fill(login);
    await page.locator('input[name="password"]').fill("any-password-the-test-provider-ignores");
    await page.getByRole("button", { name: "Sign-in" }).click();
    await page.getByRole("button", { name: "Continue" }).click();
  }

  /**
   * Lets `alter` rewrite the provider's redirect back to Railyard before the browser follows it.
   * (A browser follows redirects without giving them to route handlers, so the consent form's POST
   * is intercepted and its redirects within the provider are followed here with the context's cookies.)
   */
  async function interceptCallback(page: Page, alter: (callback: URL) => Promise<URL>): Promise<{ done: () => boolean }> {
    let intercepted = false;
    await page.route((url) => url.origin === idp.issuer && url.pathname.startsWith("/interaction/"), async (route) => {
      if (route.request().method() !== "POST") return await route.continue();
      // Login and consent forms post here; follow the provider's redirects until one leads back
      // to Railyard (altered), or hand the browser the last page of the provider's own.
      let response = await route.fetch({ maxRedirects: 0 });
      let location = response.headers()["location"];
      let last = location;
      while (location && !location.includes(CALLBACK)) {
        last = location;
        response = await page.context().request.get(new URL(location, idp.issuer).href, { maxRedirects: 0 });
        location = response.headers()["location"];
      }
      if (location) {
        intercepted = true;
        const altered = await alter(new URL(location, idp.issuer));
        return await route.fulfill({ status: 303, headers: { location: altered.href } });
      }
      await route.fulfill({ status: 303, headers: { location: new URL(last!, idp.issuer).href } });
    });
    return { done: () => intercepted };
  }

  const me = (page: Page) => page.evaluate(async () => (await fetch("/api/auth/me")).json()) as Promise<{ user?: { email: string; name: string; role: string } }>;

  async function expectRefused(page: Page, text: string): Promise<void> {
    await page.getByRole("alert").filter({ hasText: text }).waitFor();
    expect(page.url()).toBe(`${server.url}/`);
    expect((await me(page)).user).toBeUndefined();
  }

  test("a person in a mapped group is provisioned just in time with that role, and their profile follows the provider at the next sign-in", async () => {
    idp.accounts.set("ada", { email: "ada@example.test", name: "Ada Lovelace", groups: ["railyard-leads", "Engineering"] });
    const { context, page } = await freshPage();
    await ssoSignIn(page, "ada");
    await page.locator("header.topbar").waitFor(); // signed in: the app shell
    expect((await me(page)).user).toMatchObject({ email: "ada@example.test", name: "Ada Lovelace", role: "lead" });
    const [provisioned] = eventsOf(app, "user.provisioned");
    expect(provisioned!.meta).toMatchObject({ provider: "oidc", role: "lead", rule: 0 });
    expect(eventsOf(app, "auth.sso_login_succeeded")).toHaveLength(1);
    await context.close();

    // Renamed and moved to another group at the provider: the next sign-in updates both.
    idp.accounts.set("ada", { email: "ada@example.test", name: "Ada King", groups: ["engineering"] });
    const second = await freshPage();
    await ssoSignIn(second.page, "ada");
    await second.page.locator("header.topbar").waitFor(); // signed in: the app shell
    expect((await me(second.page)).user).toMatchObject({ name: "Ada King", role: "developer" });
    expect(eventsOf(app, "user.provisioned")).toHaveLength(1);
    expect(eventsOf(app, "user.profile_synced").at(-1)!.meta).toMatchObject({ fields: ["name"], via: "sso_login" });
    expect(eventsOf(app, "user.role_changed").at(-1)!.meta).toMatchObject({ from: "lead", to: "developer" });
    await second.context.close();
  }, FLOW_TIMEOUT_MS);

  test("a forged state is refused before the code is used", async () => {
    idp.accounts.set("bob", { email: "bob@example.test", name: "Bob", groups: ["engineering"] });
    const { context, page } = await freshPage();
    const interception = await interceptCallback(page, async (url) => {
      url.searchParams.set("state", "forged-by-an-attacker");
      return url;
    });
    const grantsBefore = idp.grants.length;
    await ssoSignIn(page, "bob");
    await expectRefused(page, "did not belong to a sign-in started in this browser");
    expect(interception.done()).toBe(true);
    expect(idp.grants.length).toBe(grantsBefore);
    expect(eventsOf(app, "auth.sso_login_failed").at(-1)!.meta).toMatchObject({ provider: "oidc", reason: "state_mismatch" });
    await context.close();
  }, FLOW_TIMEOUT_MS);

  test("an expired authorization code is refused", async () => {
    const { context, page } = await freshPage();
    idp.codeTtlSeconds = 1;
    try {
      const interception = await interceptCallback(page, async (url) => {
        await Bun.sleep(2_500);
        return url;
      });
      await ssoSignIn(page, "bob");
      await expectRefused(page, "refused the sign-in code");
      expect(interception.done()).toBe(true);
    } finally {
      idp.codeTtlSeconds = 60;
    }
    expect(eventsOf(app, "auth.sso_login_failed").at(-1)!.meta).toMatchObject({ reason: "code_rejected" });
    await context.close();
  }, FLOW_TIMEOUT_MS);

  test("an ID token issued for another audience is refused, though the provider signed it", async () => {
    const { context, page } = await freshPage();
    idp.nextIdTokenAudience = "another-application";
    await ssoSignIn(page, "bob");
    await expectRefused(page, "did not pass validation");
    expect(idp.nextIdTokenAudience).toBeNull(); // the provider did send the re-signed token
    expect(eventsOf(app, "auth.sso_login_failed").at(-1)!.meta).toMatchObject({ reason: "id_token_invalid" });
    expect(eventsOf(app, "user.provisioned").map((e) => e.subject)).toHaveLength(1);
    await context.close();
  }, FLOW_TIMEOUT_MS);

  test("a person in no mapped group is refused when the default role is none, and no account is created", async () => {
    idp.accounts.set("mallory", { email: "mallory@example.test", name: "Mallory", groups: ["marketing"] });
    const { context, page } = await freshPage();
    await ssoSignIn(page, "mallory");
    await expectRefused(page, "in no group that has access to Railyard");
    expect(eventsOf(app, "auth.sso_login_failed").at(-1)!.meta).toMatchObject({ reason: "no_mapped_role" });
    const people = await api(app, "GET", "/api/users", { headers: ownerHeaders });
    expect(JSON.stringify(people.json)).not.toContain("mallory@example.test");
    await context.close();
  }, FLOW_TIMEOUT_MS);

  test("disabling a person at the provider ends their session at its next renewal", async () => {
    idp.accounts.set("carol", { email: "carol@example.test", name: "Carol", groups: ["railyard-leads"] });
    const { context, page } = await freshPage();
    await ssoSignIn(page, "carol");
    await page.locator("header.topbar").waitFor(); // signed in: the app shell

    // A renewal while the provider still vouches for her: a refresh grant, and she stays.
    const refreshes = idp.grants.filter((g) => g === "refresh_token").length;
    app.clock.advance(61_000);
    expect((await me(page)).user).toMatchObject({ email: "carol@example.test", role: "lead" });
    expect(idp.grants.filter((g) => g === "refresh_token").length).toBe(refreshes + 1);

    idp.accounts.get("carol")!.disabled = true;
    // Before the renewal is due, the session stands (the check runs at renewal, once a minute at most)…
    expect((await me(page)).user?.email).toBe("carol@example.test");
    // …and at the renewal the provider's refusal ends it.
    app.clock.advance(61_000);
    expect((await me(page)).user).toBeUndefined();
    await page.reload();
    await page.getByRole("button", { name: "Sign in", exact: true }).waitFor();
    expect(eventsOf(app, "auth.sso_session_ended").at(-1)!.meta).toMatchObject({ provider: "oidc", reason: "account_gone" });
    await context.close();
  }, FLOW_TIMEOUT_MS);

  test("the client secret, codes and tokens never reach the audit trail or the log", () => {
    const text = trailText(app) + app.logs();
    expect(text).not.toContain(idp.clientSecret);
    expect(text).not.toMatch(/eyJ[\w-]+\.eyJ[\w-]+\./); // no JWT (ID token) anywhere
  });
});
