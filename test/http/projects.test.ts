import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { auditEvents, moduleAccess, modules, projects } from "../../src/db/schema/index.ts";
import type { Role } from "../../src/core/roles.ts";
import { createTestApp, type TestApp } from "../support/app.ts";
import { api } from "../support/http.ts";
import { CANARY_PATH, seedCanaryProject } from "../support/projects.ts";
import { inspect } from "../support/inspect.ts";
import { signedInAs } from "../support/session-cookie.ts";

let app: TestApp;
beforeEach(async () => {
  app = await createTestApp();
});
afterEach(() => app.dispose());

const as = (role: Role) => signedInAs(app, role);
const eventTypes = () => inspect(app).select({ type: auditEvents.type }).from(auditEvents).all().map((e) => e.type);

describe("/api/projects", () => {
  test("admins create, change and delete projects; every step is audited", async () => {
    const admin = await as("admin");
    const created = await api(app, "POST", "/api/projects", { headers: admin.headers, body: { slug: "payments", name: "Payments", remoteUrl: "git@git.example.test:team/payments.git" } });
    expect(created.status).toBe(201);
    expect(created.json.project).toMatchObject({ slug: "payments", name: "Payments", protectedGlobs: [], remoteUrl: "git@git.example.test:team/payments.git" });
    expect((await api(app, "GET", "/api/projects", { headers: admin.headers })).json.projects.map((p: any) => p.slug)).toEqual(["payments"]);
    const changed = await api(app, "PATCH", "/api/projects/payments", { headers: admin.headers, body: { name: "Payments v2", protectedGlobs: ["gen/**"] } });
    expect(changed.json.project).toMatchObject({ name: "Payments v2", protectedGlobs: ["gen/**"] });
    expect((await api(app, "POST", "/api/projects", { headers: admin.headers, body: { slug: "payments", name: "Dup" } })).status).toBe(409);
    expect((await api(app, "DELETE", "/api/projects/payments", { headers: admin.headers })).status).toBe(200);
    expect((await api(app, "GET", "/api/projects/payments", { headers: admin.headers })).status).toBe(404);
    expect(eventTypes()).toEqual(expect.arrayContaining(["project.created", "project.changed", "project.deleted"]));
  });

  test("bad project input is refused with the field named and nothing stored", async () => {
    const owner = await as("owner");
    for (const body of [
      { slug: "Bad Slug", name: "x" },
      { slug: "-lead", name: "x" },
      { slug: "ok", name: "" },
      { slug: "ok", name: "x", remoteUrl: "https://user:hunter2@git.example.test/x.git" },
      { slug: "ok", name: "x", protectedGlobs: ["../outside/**"] },
      { slug: "ok", name: "x", protectedGlobs: ["a[b"] },
      { slug: "ok", name: "x", unknown: 1 },
      { slug: "x".repeat(65), name: "x" },
    ]) {
      const r = await api(app, "POST", "/api/projects", { headers: owner.headers, body });
      expect(r.status).toBe(400);
      expect(r.json.error.code).toBe("invalid");
      expect(r.text).not.toContain("hunter2");
    }
    expect(inspect(app).select().from(projects).all()).toHaveLength(0);
  });

  test("leads, developers and auditors may read projects but not change them", async () => {
    await seedCanaryProject(app);
    for (const role of ["lead", "developer", "auditor"] as const) {
      const who = await as(role);
      expect((await api(app, "GET", "/api/projects", { headers: who.headers })).status).toBe(200);
      expect((await api(app, "POST", "/api/projects", { headers: who.headers, body: { slug: `p-${role}`, name: "x" } })).status).toBe(403);
      expect((await api(app, "PATCH", "/api/projects/shop", { headers: who.headers, body: { name: "x" } })).status).toBe(403);
      expect((await api(app, "POST", "/api/projects/shop/modules", { headers: who.headers, body: { name: "m", globs: ["m/**"] } })).status).toBe(403);
    }
    expect(inspect(app).select().from(projects).all()).toHaveLength(1);
  });
});

describe("modules and access", () => {
  test("module create/update/delete with access levels; the matrix shows every role", async () => {
    const owner = await as("owner");
    await api(app, "POST", "/api/projects", { headers: owner.headers, body: { slug: "core", name: "Core" } });
    const m = await api(app, "POST", "/api/projects/core/modules", { headers: owner.headers, body: { name: "billing", globs: ["src/billing/**"], access: { developer: "read_only" } } });
    expect(m.status).toBe(201);
    expect(m.json.module).toMatchObject({ name: "billing", globs: ["src/billing/**"], access: "editable", accessByRole: { owner: "editable", admin: "editable", lead: "editable", developer: "read_only", auditor: "editable" } });
    const renamed = await api(app, "PATCH", "/api/projects/core/modules/billing", { headers: owner.headers, body: { newName: "payments", globs: ["src/pay/**"] } });
    expect(renamed.json.module).toMatchObject({ name: "payments", globs: ["src/pay/**"] });
    const access = await api(app, "PUT", "/api/projects/core/modules/payments/access", { headers: owner.headers, body: { access: { auditor: "excluded", developer: "editable" } } });
    expect(access.json.module.accessByRole).toMatchObject({ developer: "editable", auditor: "excluded" });
    // editable is the absence of a row
    expect(inspect(app).select().from(moduleAccess).all()).toEqual([expect.objectContaining({ role: "auditor", level: "excluded" })]);
    const matrix = await api(app, "GET", "/api/projects/core/access", { headers: owner.headers });
    expect(matrix.json).toEqual({ roles: ["owner", "admin", "lead", "developer", "auditor"], modules: [{ name: "payments", access: { owner: "editable", admin: "editable", lead: "editable", developer: "editable", auditor: "excluded" } }] });
    expect((await api(app, "DELETE", "/api/projects/core/modules/payments", { headers: owner.headers })).status).toBe(200);
    expect(inspect(app).select().from(modules).all()).toHaveLength(0);
    expect(eventTypes()).toEqual(expect.arrayContaining(["module.created", "module.changed", "module.access_changed", "module.deleted"]));
  });

  test("an admin cannot change the owner's access, and bad module input is refused", async () => {
    await seedCanaryProject(app);
    const admin = await as("admin");
    expect((await api(app, "PUT", "/api/projects/shop/modules/api/access", { headers: admin.headers, body: { access: { owner: "excluded" } } })).status).toBe(403);
    expect((await api(app, "PUT", "/api/projects/shop/modules/api/access", { headers: admin.headers, body: { access: { lead: "hidden" } } })).status).toBe(400);
    expect((await api(app, "POST", "/api/projects/shop/modules", { headers: admin.headers, body: { name: "empty", globs: [] } })).status).toBe(400);
    expect((await api(app, "POST", "/api/projects/shop/modules", { headers: admin.headers, body: { name: "api", globs: ["x/**"] } })).status).toBe(409);
    expect((await api(app, "POST", "/api/projects/nope/modules", { headers: admin.headers, body: { name: "m", globs: ["x/**"] } })).status).toBe(404);
    expect((await api(app, "PATCH", "/api/projects/shop/modules/ghost", { headers: admin.headers, body: { globs: ["x/**"] } })).status).toBe(404);
  });

  test("a developer sees the excluded module by name only, in the project, module list and scope", async () => {
    await seedCanaryProject(app);
    const dev = await as("developer");
    const owner = await as("owner");
    for (const path of ["/api/projects/shop", "/api/projects/shop/modules", "/api/projects/shop/scope"]) {
      const r = await api(app, "GET", path, { headers: dev.headers });
      expect(r.status).toBe(200);
      expect(r.text).toContain("‹secret-billing›");
      expect(r.text).not.toContain(CANARY_PATH);
      expect(r.text).not.toContain("src/secret-billing");
      expect((await api(app, "GET", path, { headers: owner.headers })).text).toContain(CANARY_PATH);
    }
    const modulesList = (await api(app, "GET", "/api/projects/shop/modules", { headers: dev.headers })).json.modules;
    expect(modulesList.find((m: any) => m.name === "secret-billing")).toMatchObject({ globs: ["‹secret-billing›"], access: "excluded" });
    expect(modulesList[0].accessByRole).toBeUndefined();
    expect((await api(app, "GET", "/api/projects/shop/access", { headers: dev.headers })).status).toBe(403);
  });

  test("a manager whose own role has a module excluded cannot edit its globs", async () => {
    await seedCanaryProject(app);
    const owner = await as("owner");
    await api(app, "PUT", "/api/projects/shop/modules/secret-billing/access", { headers: owner.headers, body: { access: { admin: "excluded" } } });
    const admin = await as("admin");
    expect((await api(app, "PATCH", "/api/projects/shop/modules/secret-billing", { headers: admin.headers, body: { globs: ["**"] } })).status).toBe(403);
    expect(inspect(app).select().from(modules).where(eq(modules.name, "secret-billing")).get()!.globs).toContain(CANARY_PATH);
  });
});
