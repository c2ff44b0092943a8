// The password lifecycle over HTTP: people change their own password; an admin issues a one-time
// reset link and never learns the password; the link works once, for one hour, and only the newest.
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import type { Role } from "../../src/core/roles.ts";
import { HOUR } from "../../src/lib/time.ts";
import { createTestApp, TEST_PASSWORD, type TestApp } from "../support/app.ts";
import { sha256Hex } from "../../src/lib/hash.ts";
import { eventsOf, rawDatabase } from "../support/audit.ts";
import { api, cookieFrom, login } from "../support/http.ts";
import { sessionHeaders, signedInAs } from "../support/session-cookie.ts";

let app: TestApp;
beforeEach(async () => {
  app = await createTestApp();
});
afterEach(() => app.dispose());

const as = (role: Role) => signedInAs(app, role);
const NEW_PASSWORD = "a-brand-new-passphrase-7";
const tokenOf = (link: string) => link.split("#token=")[1]!;
const me = (headers: Record<string, string>) => api(app, "GET", "/api/auth/me", { headers });
const signIn = (email: string, password: string) => api(app, "POST", "/api/auth/login", { body: { email, password } });

async function issueLink(adminHeaders: Record<string, string>, userId: string): Promise<string> {
  const r = await api(app, "POST", `/api/users/${userId}/password-reset`, { headers: adminHeaders });
  expect(r.status).toBe(201);
  return r.json.resetLink;
}

describe("POST /api/auth/password (change one's own)", () => {
  test("needs the current password, applies the policy, keeps this session and revokes the others", async () => {
    const dev = await as("developer");
    const otherBrowser = await sessionHeaders(app, dev.actor);
    const change = (body: unknown) => api(app, "POST", "/api/auth/password", { headers: dev.headers, body });

    const wrong = await change({ currentPassword: "not-my-current-passphrase", newPassword: NEW_PASSWORD });
    expect(wrong.status).toBe(400);
    expect(wrong.json.error.details.fields).toEqual(["currentPassword"]);
    for (const newPassword of ["short", "password1234", "aaaaaaaaaaaab", `${dev.user.email.split("@")[0]}-extra-words`, TEST_PASSWORD]) {
      const weak = await change({ currentPassword: TEST_PASSWORD, newPassword });
      expect(weak.status).toBe(400);
      expect(weak.json.error.details.fields).toEqual(["newPassword"]);
      expect(weak.text).not.toContain(newPassword);
    }
    expect((await change({ currentPassword: TEST_PASSWORD })).status).toBe(400);
    expect(await eventsOf(app, "auth.password_changed")).toHaveLength(0);
    expect((await me(otherBrowser)).status).toBe(200);

    const ok = await change({ currentPassword: TEST_PASSWORD, newPassword: NEW_PASSWORD });
    expect(ok.status).toBe(200);
    expect(ok.json).toEqual({ sessionsRevoked: 1 });
    expect(ok.text).not.toContain(NEW_PASSWORD);
    expect((await me(dev.headers)).status).toBe(200);
    expect((await me(otherBrowser)).status).toBe(401);
    expect((await signIn(dev.user.email, TEST_PASSWORD)).status).toBe(401);
    expect((await signIn(dev.user.email, NEW_PASSWORD)).status).toBe(200);

    const [event] = await eventsOf(app, "auth.password_changed");
    expect(event).toMatchObject({ subject: dev.user.id, meta: { sessionsRevoked: 1 } });
    expect(JSON.stringify(await eventsOf(app, "auth.session_revoked"))).toContain("password_changed");
  });

  test("a change ends the reset links still open for the person", async () => {
    const admin = await as("admin");
    const dev = await as("developer");
    const link = await issueLink(admin.headers, dev.user.id);
    expect((await api(app, "POST", "/api/auth/password", { headers: dev.headers, body: { currentPassword: TEST_PASSWORD, newPassword: NEW_PASSWORD } })).status).toBe(200);
    expect((await api(app, "POST", "/api/password-reset", { body: { token: tokenOf(link), password: "an-attackers-passphrase" } })).status).toBe(401);
  });

  test("needs a session", async () => {
    expect((await api(app, "POST", "/api/auth/password", { body: { currentPassword: TEST_PASSWORD, newPassword: NEW_PASSWORD } })).status).toBe(401);
  });
});

describe("POST /api/users/:id/password-reset (an admin issues a link)", () => {
  test("the link sets a new password once; the admin never sees a password; every session of the person ends", async () => {
    const admin = await as("admin");
    const dev = await as("developer");
    const r = await api(app, "POST", `/api/users/${dev.user.id}/password-reset`, { headers: admin.headers });
    expect(r.status).toBe(201);
    expect(Object.keys(r.json).sort()).toEqual(["expiresAt", "resetLink"]);
    expect(r.json.expiresAt).toBe(app.clock.now() + HOUR);
    expect(r.headers.get("cache-control")).toBe("no-store");
    const token = tokenOf(r.json.resetLink);
    // Only a hash of the token is stored.
    const db = rawDatabase(app);
    const stored = db.query<{ token_hash: string }, []>("SELECT token_hash FROM password_reset_tokens").all();
    db.close();
    expect(stored).toEqual([{ token_hash: sha256Hex(token) }]);

    const check = await api(app, "POST", "/api/password-reset/check", { body: { token } });
    expect(check.status).toBe(200);
    expect(check.json).toEqual({ email: dev.user.email, name: dev.user.name, expiresAt: r.json.expiresAt });

    const weak = await api(app, "POST", "/api/password-reset", { body: { token, password: "password1234" } });
    expect(weak.status).toBe(400);
    const done = await api(app, "POST", "/api/password-reset", { body: { token, password: NEW_PASSWORD } });
    expect(done.status).toBe(200);
    expect(done.json).toEqual({ email: dev.user.email });
    expect((await me(dev.headers)).status).toBe(401);
    expect((await signIn(dev.user.email, NEW_PASSWORD)).status).toBe(200);

    // Works once.
    expect((await api(app, "POST", "/api/password-reset", { body: { token, password: "another-new-passphrase" } })).status).toBe(401);
    expect((await api(app, "POST", "/api/password-reset/check", { body: { token } })).status).toBe(401);

    // Nothing the admin can read carries the new password or its hash.
    for (const path of ["/api/users", `/api/users/${dev.user.id}`, "/api/audit"]) {
      const seen = await api(app, "GET", path, { headers: admin.headers });
      expect(seen.text).not.toContain(NEW_PASSWORD);
      expect(seen.text).not.toContain("$2b$");
    }
    expect(await eventsOf(app, "auth.password_reset_issued")).toHaveLength(1);
    const [used] = await eventsOf(app, "auth.password_reset");
    expect(used).toMatchObject({ subject: dev.user.id, meta: {} });
  });

  test("a link expires after an hour, a newer link ends the older one, and unknown tokens are refused", async () => {
    const admin = await as("admin");
    const dev = await as("developer");
    const reset = (token: string) => api(app, "POST", "/api/password-reset", { body: { token, password: NEW_PASSWORD } });

    const expired = tokenOf(await issueLink(admin.headers, dev.user.id));
    app.clock.advance(HOUR - 1);
    expect((await api(app, "POST", "/api/password-reset/check", { body: { token: expired } })).status).toBe(200);
    app.clock.advance(1);
    expect((await reset(expired)).status).toBe(401);
    admin.headers = await sessionHeaders(app, admin.actor); // the admin's session idled out meanwhile

    const older = tokenOf(await issueLink(admin.headers, dev.user.id));
    const newer = tokenOf(await issueLink(admin.headers, dev.user.id));
    expect((await reset(older)).status).toBe(401);
    expect((await reset("an-unknown-token")).status).toBe(401);
    expect((await reset("")).status).toBe(400);
    const answer = await reset(newer);
    expect(answer.status).toBe(200);
    expect((await signIn(dev.user.email, NEW_PASSWORD)).status).toBe(200);
    const issued = await eventsOf(app, "auth.password_reset_issued");
    expect(issued.map((e: any) => e.meta.replaced)).toEqual([0, 0, 1]);
  });

  test("admins only, never for someone ranked above them, never for themselves", async () => {
    const owner = await as("owner");
    const admin = await as("admin");
    const lead = await as("lead");
    const dev = await as("developer");
    const issue = (headers: Record<string, string>, id: string) => api(app, "POST", `/api/users/${id}/password-reset`, { headers });
    expect((await issue(lead.headers, dev.user.id)).status).toBe(403);
    expect((await issue(dev.headers, dev.user.id)).status).toBe(403);
    expect((await issue(admin.headers, owner.user.id)).status).toBe(403);
    expect((await issue(admin.headers, admin.user.id)).status).toBe(403);
    expect((await issue(owner.headers, owner.user.id)).status).toBe(403);
    expect((await issue(admin.headers, "usr_doesnotexist00000000")).status).toBe(404);
    expect((await issue(owner.headers, admin.user.id)).status).toBe(201);
    expect((await issue(admin.headers, lead.user.id)).status).toBe(201);
    expect(await eventsOf(app, "auth.password_reset_issued")).toHaveLength(2);
  });

  test("a reset link needs the same origin like every other write", async () => {
    const admin = await as("admin");
    const dev = await as("developer");
    const token = tokenOf(await issueLink(admin.headers, dev.user.id));
    const crossSite = await app.request("/api/password-reset", {
      method: "POST",
      headers: { "content-type": "application/json", origin: "https://evil.example", "sec-fetch-site": "cross-site" },
      body: JSON.stringify({ token, password: NEW_PASSWORD }),
    });
    expect(crossSite.status).toBe(403);
    expect((await signIn(dev.user.email, TEST_PASSWORD)).status).toBe(200);
  });
});

describe("invitations", () => {
  test("an invited person sets their own password with the link and is then signed out nowhere else", async () => {
    const admin = await as("admin");
    const invite = await api(app, "POST", "/api/users", { headers: admin.headers, body: { email: "ivy@example.test", name: "Ivy", role: "developer" } });
    expect(invite.status).toBe(201);
    const token = tokenOf(invite.json.resetLink);
    expect((await api(app, "POST", "/api/password-reset/check", { body: { token } })).json.email).toBe("ivy@example.test");
    // No password works before the link is used (not even an empty one).
    expect((await signIn("ivy@example.test", "")).status).toBe(401);
    expect((await api(app, "POST", "/api/password-reset", { body: { token, password: NEW_PASSWORD } })).status).toBe(200);
    const cookie = cookieFrom(await signIn("ivy@example.test", NEW_PASSWORD));
    expect(cookie).not.toBeNull();
    expect(await login(app, "ivy@example.test", NEW_PASSWORD)).toBeTruthy();
  });
});
