import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { AppError } from "../../../src/core/errors.ts";
import { maskText, scopeManifest, type ScopeManifest } from "../../../src/core/scope/manifest.ts";
import { createTestApp, type TestApp } from "../../support/app.ts";
import { CANARY_PATH, seedCanaryProject } from "../../support/projects.ts";

let app: TestApp;
let developer: ScopeManifest;
let owner: ScopeManifest;
beforeAll(async () => {
  app = await createTestApp();
  const { projectId } = await seedCanaryProject(app);
  developer = await scopeManifest(app.store.read, { projectId, role: "developer" });
  owner = await scopeManifest(app.store.read, { projectId, role: "owner" });
});
afterAll(() => app.dispose());

describe("maskText: paths inside free text", () => {
  test.each([
    [`see ${CANARY_PATH}`, "see ‹secret-billing›"],
    [`Fixed ${CANARY_PATH}.`, "Fixed ‹secret-billing›."],
    [`${CANARY_PATH}:42:7 expected ';'`, "‹secret-billing›:42:7 expected ';'"],
    [`("${CANARY_PATH}")`, '("‹secret-billing›")'],
    [`file=${CANARY_PATH},line=3`, "file=‹secret-billing›,line=3"],
    ["the whole src/secret-billing/ folder and src/secret-billing", "the whole ‹secret-billing› folder and ‹secret-billing›"],
    ["at /home/ci/repo/src/secret-billing/tax.ts and ./src/secret-billing/a.ts", "at ‹secret-billing› and ‹secret-billing›"],
    ["windows: src\\secret-billing\\tax.ts", "windows: ‹secret-billing›"],
    [`two\n${CANARY_PATH}\nlines`, "two\n‹secret-billing›\nlines"],
  ])("%j reads %j for a developer", (text, masked) => {
    expect(maskText(developer, text)).toBe(masked);
  });

  test("visible paths, ordinary words and other modules' names stay as written", () => {
    const text = "Changed src/api/invoices.ts and docs/billing.md; billing is secret. Version 1.2.3, 50% done.";
    expect(maskText(developer, text)).toBe(text);
  });

  test("readers who see everything (no manifest, or one without excluded modules) get the text unchanged", () => {
    expect(maskText(null, `see ${CANARY_PATH}`)).toBe(`see ${CANARY_PATH}`);
    expect(maskText(owner, `see ${CANARY_PATH}`)).toBe(`see ${CANARY_PATH}`);
    expect(maskText(developer, null)).toBeNull();
  });

  test("a copied manifest is refused rather than masking nothing", () => {
    expect(() => maskText({ ...developer }, CANARY_PATH)).toThrow(AppError);
  });
});
