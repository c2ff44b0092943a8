import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { classifyPath, maskPath, scopeManifest } from "../../../src/core/scope/manifest.ts";
import { AppError } from "../../../src/core/errors.ts";
import { createProject } from "../../../src/core/project/create-project.ts";
import { ROLES } from "../../../src/core/roles.ts";
import { createTestApp, type TestApp } from "../../support/app.ts";
import { CANARY_PATH, seedCanaryProject } from "../../support/projects.ts";

let app: TestApp;
let projectId: string;
beforeEach(async () => {
  app = await createTestApp();
  projectId = (await seedCanaryProject(app)).projectId;
});
afterEach(() => app.dispose());

describe("scope manifest", () => {
  test("a developer's manifest lists editable and read-only globs and shows the excluded module only by name", async () => {
    const m = await scopeManifest(app.store.read, { projectId, role: "developer" });
    expect(m.editable).toEqual(["src/api/**"]);
    expect(m.readOnly).toEqual(["vendor/**", "src/generated/", "docs/**", "*.md"]);
    expect(m.excluded).toEqual(["‹secret-billing›"]);
    expect(m.modules.find((x) => x.name === "secret-billing")).toEqual({ name: "secret-billing", globs: ["‹secret-billing›"], access: "excluded" });
    expect(JSON.stringify(m)).not.toContain("src/secret-billing");
    expect(JSON.stringify(m)).not.toContain("CANARY_PATH");
  });

  test("the owner's manifest has the real globs of every module", async () => {
    const m = await scopeManifest(app.store.read, { projectId, role: "owner" });
    expect(m.excluded).toEqual([]);
    expect(m.editable).toContain(CANARY_PATH);
  });

  test("classification: most restrictive wins, protected globs are read-only for everyone, unmatched paths are unlisted", async () => {
    for (const role of ROLES) {
      const m = await scopeManifest(app.store.read, { projectId, role });
      expect(classifyPath(m, "vendor/lib/x.go")).toBe("read_only");
      expect(classifyPath(m, "src/generated/api.ts")).toBe("read_only");
      expect(classifyPath(m, "Makefile")).toBe("unlisted");
    }
    const dev = await scopeManifest(app.store.read, { projectId, role: "developer" });
    expect(classifyPath(dev, "src/api/users.ts")).toBe("editable");
    expect(classifyPath(dev, "README.md")).toBe("read_only");
    expect(classifyPath(dev, CANARY_PATH)).toBe("excluded");
    expect(classifyPath(dev, "src/secret-billing/deep/x.ts")).toBe("excluded");
    const auditor = await scopeManifest(app.store.read, { projectId, role: "auditor" });
    expect(classifyPath(auditor, "src/api/users.ts")).toBe("read_only");
    const owner = await scopeManifest(app.store.read, { projectId, role: "owner" });
    expect(classifyPath(owner, CANARY_PATH)).toBe("editable");
  });

  test("an excluded path inside a protected glob is still excluded (excluded beats read-only)", async () => {
    const dev = await scopeManifest(app.store.read, { projectId, role: "developer" });
    expect(classifyPath(dev, "src/secret-billing/vendor/x.ts")).toBe("excluded");
  });

  test("maskPath hides paths inside the role's excluded modules and leaves others alone", async () => {
    const dev = await scopeManifest(app.store.read, { projectId, role: "developer" });
    expect(maskPath(dev, CANARY_PATH)).toBe("‹secret-billing›");
    expect(maskPath(dev, "src/secret-billing")).toBe("‹secret-billing›");
    expect(maskPath(dev, "src/secret-billingx/a.ts")).toBe("src/secret-billingx/a.ts");
    expect(maskPath(dev, "src/api/a.ts")).toBe("src/api/a.ts");
    const lead = await scopeManifest(app.store.read, { projectId, role: "lead" });
    expect(maskPath(lead, CANARY_PATH)).toBe(CANARY_PATH);
  });

  test("a copied manifest cannot be used to classify (fails closed instead of calling excluded paths unlisted)", async () => {
    const dev = await scopeManifest(app.store.read, { projectId, role: "developer" });
    const copy = JSON.parse(JSON.stringify(dev));
    expect(() => classifyPath(copy, CANARY_PATH)).toThrow(AppError);
    expect(() => maskPath({ ...dev }, CANARY_PATH)).toThrow(AppError);
  });

  test("a project without modules: its protected globs are read-only, everything else unlisted", async () => {
    const bare = await createProject({ ctx: app.ctx(), input: { slug: "bare", name: "Bare", protectedGlobs: ["vendor/**"] } });
    const m = await scopeManifest(app.store.read, { projectId: bare.id, role: "developer" });
    expect({ editable: m.editable, readOnly: m.readOnly, excluded: m.excluded, modules: m.modules }).toEqual({ editable: [], readOnly: ["vendor/**"], excluded: [], modules: [] });
    expect(classifyPath(m, "vendor/x.go")).toBe("read_only");
    expect(classifyPath(m, "src/api/users.ts")).toBe("unlisted");
  });

  test("an unknown project is not_found", async () => {
    await expect(scopeManifest(app.store.read, { projectId: "prj_00000000000000000000", role: "owner" })).rejects.toThrow("project not found");
  });
});
