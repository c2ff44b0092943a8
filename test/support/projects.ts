// Shared project fixtures: a project whose `secret-billing` module is excluded for developers and
// auditors, with a canary path that must never reach those roles.
import { createModule } from "../../src/core/project/create-module.ts";
import { createProject } from "../../src/core/project/create-project.ts";
import type { TestApp } from "./app.ts";

export const CANARY_PATH = "src/secret-billing/CANARY_PATH.ts";
/** Text that must never appear in anything a masked role receives. */
export const CANARY_STRINGS = ["CANARY_PATH", "src/secret-billing"] as const;
export const MASKED_ROLES = ["developer", "auditor"] as const;

export async function seedCanaryProject(app: TestApp, slug = "shop"): Promise<{ projectId: string; slug: string }> {
  const ctx = app.ctx();
  const project = await createProject({ ctx, input: { slug, name: "Shop", remoteUrl: "https://git.example.test/shop.git", protectedGlobs: ["vendor/**", "src/generated/"] } });
  await createModule({ ctx, input: { projectSlug: slug, name: "api", globs: ["src/api/**"], access: { auditor: "read_only" } } });
  await createModule({ ctx, input: { projectSlug: slug, name: "docs", globs: ["docs/**", "*.md"], access: { developer: "read_only" } } });
  await createModule({
    ctx,
    input: { projectSlug: slug, name: "secret-billing", globs: ["src/secret-billing/**", CANARY_PATH], access: { developer: "excluded", auditor: "excluded" } },
  });
  return { projectId: project.id, slug };
}
