// LDAP sign-in against a real directory: Debian's slapd started privately by the test (its own
// config, port and synthetic directory), over LDAPS and over StartTLS with a test CA. Covers the
// service bind, search and bind as the person, group membership to roles with the mapping rules,
// wrong passwords (throttled), an untrusted certificate, a person in no mapped group, and removal
// from the directory ending the session at its next renewal.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Client } from "ldapts";
import { createTestApp, seedUser, type TestApp } from "../support/app.ts";
import { eventsOf, trailText } from "../support/audit.ts";
import { api, cookieFrom } from "../support/http.ts";
import { sessionHeaders } from "../support/session-cookie.ts";
import { BASE_DN, HAS_SLAPD, ROOT_DN, SERVICE_DN, startTestSlapd, type TestSlapd } from "../support/slapd.ts";

const describeLdap = HAS_SLAPD ? describe : describe.skip;

describeLdap("LDAP sign-in against a private slapd", () => {
  let slapd: TestSlapd;
  let app: TestApp;
  let owner: Record<string, string>;

  const ldapSettings = (overrides: Record<string, unknown> = {}) => ({
    enabled: true, url: slapd.ldapsUrl, startTls: false, caFile: slapd.caFile, bindDn: SERVICE_DN, bindPassword: slapd.servicePassword,
    baseDn: BASE_DN, userFilter: "(&(objectClass=inetOrgPerson)(|(uid={login})(mail={login})))", groupBaseDn: `ou=groups,${BASE_DN}`,
    groupFilter: "(member={dn})", emailAttribute: "mail", nameAttribute: "cn", ...overrides,
  });
  const configure = async (overrides: Record<string, unknown> = {}) => {
    const response = await api(app, "PATCH", "/api/settings/identity", { body: { ldap: ldapSettings(overrides) }, headers: owner });
    expect(response.status).toBe(200);
    return response;
  };
  const signIn = (username: string, password: string) => api(app, "POST", "/api/auth/ldap", { body: { username, password } });

  beforeAll(async () => {
    slapd = await startTestSlapd({
      ada: { name: "Ada Lovelace", mail: "ada@example.test", password: "ada-directory-pass", groups: ["railyard-leads", "engineering"] },
      bob: { name: "Bob Builder", mail: "bob@example.test", password: "bob-directory-pass", groups: ["engineering"] },
      eve: { name: "Eve Outsider", mail: "eve@example.test", password: "eve-directory-pass", groups: ["marketing"] },
      dan: { name: "Dan Leaving", mail: "dan@example.test", password: "dan-directory-pass", groups: ["engineering"] },
    });
    app = await createTestApp();
    owner = await sessionHeaders(app, (await seedUser(app, "owner")).actor);
    const rules = [
      { provider: "ldap", claim: "groups", value: "railyard-leads", role: "lead" },
      { provider: "any", claim: "groups", value: `cn=engineering,ou=groups,${BASE_DN}`, role: "developer" },
    ];
    expect((await api(app, "PATCH", "/api/settings", { body: { ssoRoleRules: rules, ssoDefaultRole: "none" }, headers: owner })).status).toBe(200);
    await configure();
  });
  afterAll(async () => {
    await app?.dispose();
    await slapd?.stop();
  });

  test("over LDAPS: the first rule that matches a group gives the role, and the person is provisioned with the directory's name and email", async () => {
    const response = await signIn("ada", "ada-directory-pass");
    expect(response.status).toBe(200);
    expect(response.json.user).toMatchObject({ email: "ada@example.test", name: "Ada Lovelace", role: "lead" });
    const me = await api(app, "GET", "/api/auth/me", { headers: { cookie: cookieFrom(response)! } });
    expect(me.json.user.email).toBe("ada@example.test");
    expect(eventsOf(app, "user.provisioned").at(-1)!.meta).toMatchObject({ provider: "ldap", role: "lead", rule: 0 });
    expect(eventsOf(app, "auth.sso_login_succeeded").at(-1)!.meta).toMatchObject({ provider: "ldap", role: "lead" });
  });

  test("over StartTLS: a group matched by its DN maps to its role; the sign-in page offers the directory", async () => {
    await configure({ url: slapd.ldapUrl, startTls: true });
    try {
      const response = await signIn("bob@example.test", "bob-directory-pass");
      expect(response.status).toBe(200);
      expect(response.json.user).toMatchObject({ email: "bob@example.test", role: "developer" });
      const options = await api(app, "GET", "/api/auth/sso");
      expect(options.json.ldap).toEqual({ label: "Sign in with directory" });
    } finally {
      await configure();
    }
  });

  test("a wrong password, an unknown name and an empty password get one answer, and repeated failures are throttled", async () => {
    const wrong = await signIn("bob", "not-bobs-password");
    expect(wrong.status).toBe(401);
    expect(wrong.json.error.message).toBe("user name or password is incorrect");
    const unknown = await signIn("nobody", "whatever-password");
    expect(unknown.json.error.message).toBe(wrong.json.error.message);
    const empty = await signIn("bob", "");
    expect(empty.json.error.message).toBe(wrong.json.error.message);
    expect(eventsOf(app, "auth.sso_login_failed").slice(-3).map((e) => e.meta.reason)).toEqual(["bad_credentials", "bad_credentials", "bad_credentials"]);
    for (let i = 0; i < 4; i++) await signIn("bob", "still-wrong-password");
    const locked = await signIn("bob", "bob-directory-pass");
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get("retry-after"))).toBeGreaterThan(0);
  });

  test("a person in no mapped group is refused when the default role is none", async () => {
    const response = await signIn("eve", "eve-directory-pass");
    expect(response.status).toBe(401);
    expect(response.json.error.message).toContain("in no group that has access to Railyard");
    expect(eventsOf(app, "auth.sso_login_failed").at(-1)!.meta).toMatchObject({ provider: "ldap", reason: "no_mapped_role" });
  });

  test("a certificate the configured CA did not sign is refused with one clear line, for LDAPS and for StartTLS", async () => {
    for (const variant of [{ caFile: slapd.otherCaFile }, { caFile: slapd.otherCaFile, url: slapd.ldapUrl, startTls: true }]) {
      await configure(variant);
      const response = await signIn("ada", "ada-directory-pass");
      expect(response.status).toBe(401);
      expect(response.json.error.message).toBe("LDAP: the directory's TLS certificate was not trusted (check the CA file and the host name in the URL)");
      expect(eventsOf(app, "auth.sso_login_failed").at(-1)!.meta).toMatchObject({ reason: "misconfigured" });
    }
    await configure({ bindPassword: "not-the-service-password" });
    const badBind = await signIn("ada", "ada-directory-pass");
    expect(badBind.json.error.message).toBe("LDAP: the service account's bind DN or password was refused by the directory");
    await configure();
  });

  test("removing a person from the directory ends their session at its next renewal", async () => {
    const response = await signIn("dan", "dan-directory-pass");
    expect(response.status).toBe(200);
    const cookie = cookieFrom(response)!;
    app.clock.advance(61_000);
    const renewed = await api(app, "GET", "/api/auth/me", { headers: { cookie } });
    expect(renewed.status).toBe(200);
    const fresh = cookieFrom(renewed) ?? cookie;

    const admin = new Client({ url: slapd.ldapsUrl, tlsOptions: { ca: [await Bun.file(slapd.caFile).text()] } });
    await admin.bind(ROOT_DN, slapd.rootPassword);
    await admin.del(`uid=dan,ou=people,${BASE_DN}`);
    await admin.unbind();

    app.clock.advance(61_000);
    expect((await api(app, "GET", "/api/auth/me", { headers: { cookie: fresh } })).status).toBe(401);
    expect(eventsOf(app, "auth.sso_session_ended").at(-1)!.meta).toMatchObject({ provider: "ldap", reason: "account_gone" });
  });

  test("the bind password is never returned, logged or audited", async () => {
    const view = await api(app, "GET", "/api/settings/identity", { headers: owner });
    expect(view.json.identity.ldap.bindPasswordSet).toBe(true);
    expect(view.text).not.toContain(slapd.servicePassword);
    const text = trailText(app) + app.logs();
    for (const secret of [slapd.servicePassword, "ada-directory-pass", "bob-directory-pass"]) expect(text).not.toContain(secret);
    expect(eventsOf(app, "identity.settings_changed").at(-1)!.meta.secrets).toEqual(["ldap.bindPassword:set"]);
  });
});
