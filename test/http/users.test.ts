import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import type { Role } from "../../src/core/roles.ts";
import { createTestApp, type TestApp } from "../support/app.ts";
import { eventsOf } from "../support/audit.ts";
import { api } from "../support/http.ts";
import { signedInAs } from "../support/session-cookie.ts";

let app: TestApp;
beforeEach(async () => {
  app = await createTestApp();
});
afterEach(() => app.dispose());

const as = (role: Role) => signedInAs(app, role);
const events = (type: string) => eventsOf(app, type);
const people = () => app.store.read.users.listLive();

describe("/api/setup", () => {
  test("the setup token creates the owner once; a second attempt is refused", async () => {
    const { issueSetupToken } = await import("../../src/core/user/setup.ts");
    const token = (await issueSetupToken(app.ctx()))!;
    expect((await api(app, "GET", "/api/setup")).json).toEqual({ needed: true });
    const bad = await api(app, "POST", "/api/setup", { body: { token: "wrong", email: "owner@example.test", name: "Olga", password: "a-long-setup-passphrase" } });
    expect(bad.status).toBe(401);
    const weak = await api(app, "POST", "/api/setup", { body: { token, email: "owner@example.test", name: "Olga", password: "password1234" } });
    expect(weak.status).toBe(400);
    expect(weak.text).not.toContain("password1234");
    const ok = await api(app, "POST", "/api/setup", { body: { token, email: "Owner@Example.test", name: "Olga", password: "a-long-setup-passphrase" } });
    expect(ok.status).toBe(201);
    expect(ok.json.user).toMatchObject({ email: "owner@example.test", name: "Olga", role: "owner" });
    const again = await api(app, "POST", "/api/setup", { body: { token, email: "x@example.test", name: "X", password: "another-long-passphrase" } });
    expect(again.status).toBe(409);
    expect((await api(app, "GET", "/api/setup")).json).toEqual({ needed: false });
    expect((await people()).map((u) => u.email)).toEqual(["owner@example.test"]);
  });
});

describe("/api/users", () => {
  test("owner and admin list people (no password hashes); others get 403", async () => {
    const owner = await as("owner");
    const dev = await as("developer");
    const list = await api(app, "GET", "/api/users", { headers: owner.headers });
    expect(list.status).toBe(200);
    expect(list.json.users.map((u: any) => u.id).sort()).toEqual([owner.user.id, dev.user.id].sort());
    expect(list.text).not.toContain("passwordHash");
    expect(list.text).not.toContain("$2");
    expect((await api(app, "GET", "/api/users", { headers: dev.headers })).status).toBe(403);
  });

  test("inviting creates a person without a password and returns a one-time link; nobody grants a role above their own", async () => {
    const admin = await as("admin");
    const created = await api(app, "POST", "/api/users", { headers: admin.headers, body: { email: "new@example.test", name: "Nia", role: "lead" } });
    expect(created.status).toBe(201);
    expect(created.json.user).toMatchObject({ email: "new@example.test", role: "lead", disabled: false });
    expect(created.json.resetLink).toMatch(/^http:\/\/127\.0\.0\.1:7433\/reset-password#token=[\w-]{20,}$/);
    expect(created.headers.get("cache-control")).toBe("no-store");
    expect(await eventsOf(app, "auth.password_reset_issued")).toHaveLength(1);
    // No password yet: nothing signs in until the person sets one with the link.
    const row = (await app.store.read.users.byEmail("new@example.test"))!;
    expect(row.passwordHash).not.toMatch(/^\$2/);
    const token = created.json.resetLink.split("#token=")[1];
    expect((await api(app, "POST", "/api/password-reset", { body: { token, password: "a-fresh-lead-passphrase" } })).status).toBe(200);
    const login = await api(app, "POST", "/api/auth/login", { body: { email: "new@example.test", password: "a-fresh-lead-passphrase" } });
    expect(login.status).toBe(200);
    const above = await api(app, "POST", "/api/users", { headers: admin.headers, body: { email: "boss@example.test", name: "B", role: "owner" } });
    expect(above.status).toBe(403);
    const dup = await api(app, "POST", "/api/users", { headers: admin.headers, body: { email: "NEW@example.test", name: "Nia", role: "lead" } });
    expect(dup.status).toBe(409);
    expect(await eventsOf(app, "auth.password_reset_issued")).toHaveLength(1);
  });

  test("invalid invitations name the field and create nothing; an admin cannot choose the password", async () => {
    const owner = await as("owner");
    const before = (await people()).length;
    for (const body of [
      { email: "not-an-email", name: "A", role: "lead" },
      { email: "a@example.test", name: "A", role: "king" },
      { email: "a@example.test", name: "x".repeat(101), role: "lead" },
      { email: "a@example.test", name: "A", role: "lead", admin: true },
      { email: "a@example.test", name: "A", role: "lead", password: "a-fine-passphrase-1" },
    ]) {
      const r = await api(app, "POST", "/api/users", { headers: owner.headers, body });
      expect(r.status).toBe(400);
      expect(r.json.error.code).toBe("invalid");
      expect(r.text).not.toContain("a-fine-passphrase-1");
    }
    expect(await people()).toHaveLength(before);
  });

  test("changing a role is audited and ends the person's sessions at once", async () => {
    const owner = await as("owner");
    const dev = await as("developer");
    expect((await api(app, "GET", "/api/auth/me", { headers: dev.headers })).status).toBe(200);
    const r = await api(app, "PATCH", `/api/users/${dev.user.id}`, { headers: owner.headers, body: { role: "lead" } });
    expect(r.status).toBe(200);
    expect(r.json.user.role).toBe("lead");
    expect((await api(app, "GET", "/api/auth/me", { headers: dev.headers })).status).toBe(401);
    expect(events("user.role_changed")[0]!.meta).toEqual({ from: "developer", to: "lead" });
    expect(events("auth.session_revoked")).toHaveLength(1);
  });

  test("disabling ends sessions and blocks sign-in; enabling is audited too", async () => {
    const admin = await as("admin");
    const dev = await as("developer");
    expect((await api(app, "PATCH", `/api/users/${dev.user.id}`, { headers: admin.headers, body: { disabled: true } })).json.user.disabled).toBe(true);
    expect((await api(app, "GET", "/api/auth/me", { headers: dev.headers })).status).toBe(401);
    expect((await api(app, "PATCH", `/api/users/${dev.user.id}`, { headers: admin.headers, body: { disabled: false } })).status).toBe(200);
    expect(events("user.disabled")).toHaveLength(1);
    expect(events("user.enabled")).toHaveLength(1);
  });

  test("the last owner cannot be demoted or disabled; with two owners one can be", async () => {
    const owner = await as("owner");
    const demote = await api(app, "PATCH", `/api/users/${owner.user.id}`, { headers: owner.headers, body: { role: "admin" } });
    expect(demote.status).toBe(409);
    expect(demote.json.error.message).toContain("last owner");
    const second = await as("owner");
    expect((await api(app, "PATCH", `/api/users/${owner.user.id}`, { headers: second.headers, body: { role: "admin" } })).status).toBe(200);
    expect((await api(app, "PATCH", `/api/users/${second.user.id}`, { headers: second.headers, body: { role: "admin" } })).status).toBe(409);
  });

  test("admins cannot touch owners or grant owner; nobody disables themselves", async () => {
    await as("owner");
    const admin = await as("admin");
    const owner2 = await as("owner");
    const dev = await as("developer");
    expect((await api(app, "PATCH", `/api/users/${owner2.user.id}`, { headers: admin.headers, body: { disabled: true } })).status).toBe(403);
    expect((await api(app, "PATCH", `/api/users/${dev.user.id}`, { headers: admin.headers, body: { role: "owner" } })).status).toBe(403);
    expect((await api(app, "PATCH", `/api/users/${admin.user.id}`, { headers: admin.headers, body: { disabled: true } })).status).toBe(403);
    expect((await api(app, "PATCH", `/api/users/${dev.user.id}`, { headers: dev.headers, body: { name: "Me" } })).status).toBe(403);
    const renamed = await api(app, "PATCH", `/api/users/${dev.user.id}`, { headers: admin.headers, body: { name: "Dana" } });
    expect(renamed.json.user.name).toBe("Dana");
    expect(events("user.changed")).toHaveLength(1);
    const bad = await api(app, "PATCH", `/api/users/${dev.user.id}`, { headers: admin.headers, body: { role: "root" } });
    expect(bad.status).toBe(400);
    expect((await api(app, "PATCH", "/api/users/usr_00000000000000000000", { headers: admin.headers, body: { name: "Z" } })).status).toBe(404);
  });
});
