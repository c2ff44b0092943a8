// Identity settings and the modes around sign-in, through the real HTTP app: the --oidc-* flags,
// the owner-only identity settings with write-only secrets, the mapping rules in /api/settings,
// SSO-only mode with its break-glass owner, and the throttle on wrong current passwords.
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError, extractFlags, loadConfig } from "../../src/config.ts";
import { mapRole } from "../../src/core/identity/map-role.ts";
import { createTestApp, seedUser, TEST_PASSWORD, type TestApp } from "../support/app.ts";
import { eventsOf, trailText } from "../support/audit.ts";
import { api } from "../support/http.ts";
import { sessionHeaders } from "../support/session-cookie.ts";

const scratch = mkdtempSync(join(tmpdir(), "railyard-identity-"));
const apps: TestApp[] = [];
afterAll(async () => {
  for (const app of apps) await app.dispose();
  rmSync(scratch, { recursive: true, force: true });
});
async function fresh(flags: Record<string, string> = {}) {
  const app = await createTestApp(flags);
  apps.push(app);
  const owner = await seedUser(app, "owner", "owner@example.test");
  return { app, owner, ownerHeaders: await sessionHeaders(app, owner.actor) };
}
const load = (argv: string[]) => loadConfig(extractFlags(argv).flags, {}, scratch);

describe("the --oidc-* flags", () => {
  test("an http:// issuer is accepted on a loopback address only, and a bad value fails with one line naming the flag", () => {
    expect(load(["--oidc-issuer", "http://127.0.0.1:9000/realms/lab", "--oidc-client-id", "railyard"]).oidcIssuer).toBe("http://127.0.0.1:9000/realms/lab");
    expect(load(["--oidc-issuer", "https://idp.example.com/realms/team", "--oidc-client-id", "railyard"]).oidcClientId).toBe("railyard");
    const cases: [string[], string][] = [
      [["--oidc-issuer", "http://idp.example.com", "--oidc-client-id", "x"], "invalid --oidc-issuer: an http:// issuer is accepted only on a loopback address"],
      [["--oidc-issuer", "ftp://idp.example.com", "--oidc-client-id", "x"], "invalid --oidc-issuer: the issuer URL must start with https://"],
      [["--oidc-issuer", "https://idp.example.com"], "invalid --oidc-issuer: it needs --oidc-client-id too"],
      [["--oidc-client-id", "x"], "invalid --oidc-client-id: it needs --oidc-issuer too"],
      [["--oidc-issuer", "https://idp.example.com", "--oidc-client-id", "x", "--oidc-redirect-url", "https://railyard.example.com/elsewhere"], "invalid --oidc-redirect-url: the redirect URL's path must be /api/auth/oidc/callback"],
      [["--oidc-issuer", "https://idp.example.com", "--oidc-client-id", "x", "--oidc-client-secret-file", join(scratch, "missing")], "invalid --oidc-client-secret-file: cannot read"],
    ];
    for (const [argv, message] of cases) {
      let error: unknown;
      try {
        load(argv);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as Error).message).toStartWith(message);
      expect((error as Error).message).not.toContain("\n");
    }
  });

  test("the client secret is read from its file and never appears in an error", () => {
    const file = join(scratch, "secret");
    writeFileSync(file, "s3cr3t-client-value\n");
    expect(load(["--oidc-issuer", "https://idp.example.com", "--oidc-client-id", "x", "--oidc-client-secret-file", file]).oidcClientSecret).toBe("s3cr3t-client-value");
    writeFileSync(file, "s3cr3t\u0000two\nlines\n");
    expect(() => load(["--oidc-issuer", "https://idp.example.com", "--oidc-client-id", "x", "--oidc-client-secret-file", file])).toThrow(/must hold one line/);
    try {
      load(["--oidc-issuer", "https://idp.example.com", "--oidc-client-id", "x", "--oidc-client-secret-file", file]);
    } catch (error) {
      expect((error as Error).message).not.toContain("s3cr3t");
    }
  });
});

describe("mapping rules", () => {
  const rules = [
    { provider: "ldap" as const, claim: "groups", value: "admins", role: "admin" as const },
    { provider: "any" as const, claim: "groups", value: "Railyard-Leads", role: "lead" as const },
    { provider: "oidc" as const, claim: "groups", value: "railyard-leads", role: "auditor" as const },
    { provider: "any" as const, claim: "email", value: "cfo@example.test", role: "auditor" as const },
  ];
  test("the first matching rule wins (case-insensitive); a rule for another provider is skipped; else the default, or none", () => {
    expect(mapRole({ provider: "oidc", claims: { groups: ["admins", "railyard-leads"] } }, rules, "developer")).toEqual({ role: "lead", rule: 1 });
    expect(mapRole({ provider: "ldap", claims: { groups: ["admins"] } }, rules, "developer")).toEqual({ role: "admin", rule: 0 });
    expect(mapRole({ provider: "oidc", claims: { groups: "x", email: "CFO@example.test" } }, rules, "developer")).toEqual({ role: "auditor", rule: 3 });
    expect(mapRole({ provider: "oidc", claims: { groups: [] } }, rules, "developer")).toEqual({ role: "developer", rule: -1 });
    expect(mapRole({ provider: "oidc", claims: {} }, rules, "none")).toEqual({ role: null, rule: -1 });
  });

  test("rules and the default role are in /api/settings; the owner alone changes them; bad rules change nothing", async () => {
    const { app, ownerHeaders } = await fresh();
    const initial = await api(app, "GET", "/api/settings", { headers: ownerHeaders });
    expect(initial.json.settings).toMatchObject({ ssoRoleRules: [], ssoDefaultRole: "developer" });
    const saved = await api(app, "PATCH", "/api/settings", { body: { ssoRoleRules: [{ claim: "groups", value: "leads", role: "lead" }], ssoDefaultRole: "none" }, headers: ownerHeaders });
    expect(saved.status).toBe(200);
    expect(saved.json.settings.ssoRoleRules).toEqual([{ provider: "any", claim: "groups", value: "leads", role: "lead" }]);
    expect(eventsOf(app, "settings.changed").at(-1)!.meta).toMatchObject({ keys: ["ssoRoleRules", "ssoDefaultRole"], ssoRoleRules: 1, ssoDefaultRole: "none" });
    const admin = await sessionHeaders(app, (await seedUser(app, "admin")).actor);
    expect((await api(app, "PATCH", "/api/settings", { body: { ssoDefaultRole: "admin" }, headers: admin })).status).toBe(403);
    const bad = await api(app, "PATCH", "/api/settings", { body: { ssoRoleRules: [{ claim: "groups", value: "x", role: "emperor" }] }, headers: ownerHeaders });
    expect(bad.status).toBe(400);
    expect((await api(app, "GET", "/api/settings", { headers: ownerHeaders })).json.settings.ssoDefaultRole).toBe("none");
  });
});

describe("identity settings", () => {
  test("owner only; secrets are write-only and only 'set' or 'cleared' reaches the audit trail", async () => {
    const { app, ownerHeaders } = await fresh();
    const admin = await sessionHeaders(app, (await seedUser(app, "admin")).actor);
    expect((await api(app, "GET", "/api/settings/identity", { headers: admin })).status).toBe(403);
    const secret = "very-secret-client-value-9";
    const saved = await api(app, "PATCH", "/api/settings/identity", { body: { oidc: { enabled: true, issuer: "https://idp.example.com/realms/team", clientId: "railyard-prod", clientSecret: secret } }, headers: ownerHeaders });
    expect(saved.status).toBe(200);
    expect(saved.json.identity.oidc).toMatchObject({ enabled: true, clientSecretSet: true, source: "settings", effectiveRedirectUrl: "http://127.0.0.1:7433/api/auth/oidc/callback" });
    const read = await api(app, "GET", "/api/settings/identity", { headers: ownerHeaders });
    expect(read.text).not.toContain(secret);
    expect(eventsOf(app, "identity.settings_changed").at(-1)!.meta).toEqual({ keys: ["oidc.enabled", "oidc.issuer", "oidc.clientId"], secrets: ["oidc.clientSecret:set"] });
    expect(trailText(app) + app.logs()).not.toContain(secret);
    // The login page now offers SSO.
    expect((await api(app, "GET", "/api/auth/sso")).json).toEqual({ oidc: { label: "Sign in with SSO" }, ldap: null, ssoOnly: false });
  });

  test("an http:// issuer off loopback is refused with the field named, and nothing changes", async () => {
    const { app, ownerHeaders } = await fresh();
    const refused = await api(app, "PATCH", "/api/settings/identity", { body: { oidc: { enabled: true, issuer: "http://idp.example.com", clientId: "x", clientSecret: "never-echoed-secret" } }, headers: ownerHeaders });
    expect(refused.status).toBe(400);
    expect(refused.json.error.message).toStartWith("oidc.issuer: an http:// issuer is accepted only on a loopback address");
    expect(refused.text).not.toContain("never-echoed-secret");
    expect((await api(app, "GET", "/api/settings/identity", { headers: ownerHeaders })).json.identity.oidc).toMatchObject({ enabled: false, clientSecretSet: false });
  });

  test("with --oidc-* flags the provider comes from the flags; Settings may not change it", async () => {
    const { app, ownerHeaders } = await fresh({ "oidc-issuer": "https://idp.example.com/realms/team", "oidc-client-id": "from-flags" });
    const view = await api(app, "GET", "/api/settings/identity", { headers: ownerHeaders });
    expect(view.json.identity.oidc).toMatchObject({ source: "flags", enabled: true, clientId: "from-flags", clientSecretSet: false });
    const refused = await api(app, "PATCH", "/api/settings/identity", { body: { oidc: { clientId: "other" } }, headers: ownerHeaders });
    expect(refused.status).toBe(400);
    expect(refused.json.error.message).toContain("configured by the --oidc-* flags");
  });
});

describe("SSO-only mode", () => {
  test("owner only, needs an enabled break-glass owner and a provider, and is audited", async () => {
    const { app, owner, ownerHeaders } = await fresh();
    const admin = await sessionHeaders(app, (await seedUser(app, "admin")).actor);
    expect((await api(app, "PATCH", "/api/settings/identity", { body: { ssoOnly: true, breakGlassOwnerId: owner.user.id }, headers: admin })).status).toBe(403);
    const noProvider = await api(app, "PATCH", "/api/settings/identity", { body: { ssoOnly: true, breakGlassOwnerId: owner.user.id }, headers: ownerHeaders });
    expect(noProvider.status).toBe(400);
    expect(noProvider.json.error.message).toStartWith("ssoOnly: enable OIDC or LDAP first");
    const dev = await seedUser(app, "developer");
    const notOwner = await api(app, "PATCH", "/api/settings/identity", { body: { ssoOnly: true, breakGlassOwnerId: dev.user.id, oidc: { enabled: true, issuer: "https://idp.example.com", clientId: "x" } }, headers: ownerHeaders });
    expect(notOwner.json.error.message).toStartWith("breakGlassOwnerId: the break-glass account must be an enabled owner");
    expect(eventsOf(app, "auth.sso_only_changed")).toHaveLength(0);
    const on = await api(app, "PATCH", "/api/settings/identity", { body: { ssoOnly: true, breakGlassOwnerId: owner.user.id, oidc: { enabled: true, issuer: "https://idp.example.com", clientId: "x" } }, headers: ownerHeaders });
    expect(on.status).toBe(200);
    expect(eventsOf(app, "auth.sso_only_changed").at(-1)).toMatchObject({ subject: owner.user.id, meta: { enabled: true, breakGlassOwnerId: owner.user.id } });
  });

  test("password sign-in is refused for everyone but the break-glass owner, with one answer whatever the account or password", async () => {
    const { app, owner, ownerHeaders } = await fresh();
    const secondOwner = await seedUser(app, "owner", "second-owner@example.test");
    const dev = await seedUser(app, "developer", "dev@example.test");
    expect((await api(app, "PATCH", "/api/settings/identity", { body: { ssoOnly: true, breakGlassOwnerId: owner.user.id, oidc: { enabled: true, issuer: "https://idp.example.com", clientId: "x" } }, headers: ownerHeaders })).status).toBe(200);
    const attempts = await Promise.all([
      api(app, "POST", "/api/auth/login", { body: { email: dev.user.email, password: TEST_PASSWORD } }),
      api(app, "POST", "/api/auth/login", { body: { email: secondOwner.user.email, password: TEST_PASSWORD } }),
      api(app, "POST", "/api/auth/login", { body: { email: owner.user.email, password: "not-the-owners-password" } }),
      api(app, "POST", "/api/auth/login", { body: { email: "nobody@example.test", password: TEST_PASSWORD } }),
    ]);
    for (const attempt of attempts) {
      expect(attempt.status).toBe(401);
      expect(attempt.json.error.message).toBe(attempts[0]!.json.error.message);
    }
    expect(attempts[0]!.json.error.message).toContain("password sign-in is off");
    expect(eventsOf(app, "auth.login_failed").filter((e) => e.meta.reason === "sso_only")).toHaveLength(4);
    const breakGlass = await api(app, "POST", "/api/auth/login", { body: { email: owner.user.email, password: TEST_PASSWORD } });
    expect(breakGlass.status).toBe(200);
    expect((await api(app, "GET", "/api/auth/sso")).json.ssoOnly).toBe(true);
  });
});

describe("changing one's password", () => {
  test("wrong current passwords are throttled like sign-ins, audited, and the lock holds even for the right one", async () => {
    const { app } = await fresh();
    const dev = await seedUser(app, "developer");
    const headers = await sessionHeaders(app, dev.actor);
    expect((await api(app, "PATCH", "/api/settings", { body: { loginMaxFailures: 2 }, headers: await sessionHeaders(app, (await seedUser(app, "owner")).actor) })).status).toBe(200);
    const change = (currentPassword: string) => api(app, "POST", "/api/auth/password", { body: { currentPassword, newPassword: "a-brand-new-passphrase-77" }, headers });
    expect((await change("wrong-guess-number-1")).status).toBe(400);
    expect((await change("wrong-guess-number-2")).status).toBe(400);
    const locked = await change(TEST_PASSWORD);
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(eventsOf(app, "auth.password_change_failed").map((e) => e.meta.reason)).toEqual(["wrong_current_password", "wrong_current_password", "locked"]);
    app.clock.advance(31_000);
    expect((await change(TEST_PASSWORD)).status).toBe(200);
  });
});
