// Regenerates docs/screenshots/*.png: seeds a fresh app with synthetic data through the real core
// verbs (as agents and people would), serves it on loopback, and photographs the main screens in
// headless Chromium at 1280 px and at 390 px. Needs /usr/bin/chromium (apt-get install chromium).
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Actor } from "../src/core/context.ts";
import { decideCheckpoint } from "../src/core/checkpoint/decide-checkpoint.ts";
import { createKey } from "../src/core/key/create-key.ts";
import { recordNote } from "../src/core/knowledge/record-note.ts";
import { createModule } from "../src/core/project/create-module.ts";
import { createProject } from "../src/core/project/create-project.ts";
import type { Role } from "../src/core/roles.ts";
import { publishRunbookVersion } from "../src/core/runbook/publish-runbook-version.ts";
import { DEFAULT_RUNBOOK_ID } from "../src/core/runbook/schemas.ts";
import { advancePhase } from "../src/core/run/advance-phase.ts";
import { finishRun } from "../src/core/run/finish-run.ts";
import { linkChange } from "../src/core/run/link-change.ts";
import { planWork } from "../src/core/run/plan-work.ts";
import { reportBuild } from "../src/core/run/report-build.ts";
import { reportFiles } from "../src/core/run/report-files.ts";
import { reportUsage } from "../src/core/run/report-usage.ts";
import { requestApproval } from "../src/core/run/request-approval.ts";
import { startRun } from "../src/core/run/start-run.ts";
import { updateWorkUnit } from "../src/core/run/update-work-unit.ts";
import { transact } from "../src/core/transact.ts";
import { insertUser } from "../src/core/user/create-user.ts";
import { hashPassword } from "../src/core/user/password.ts";
import { createChannel } from "../src/core/notify/create-channel.ts";
import { DAY, HOUR, MINUTE } from "../src/lib/time.ts";
import { createTestApp, TEST_PASSWORD, type TestApp } from "../test/support/app.ts";
import { seedMinedProposals } from "../test/support/proposals.ts";
import { CHROMIUM, freshWebAssets, launchChromium, serveForBrowser, signIn } from "../test/support/browser.ts";

const OUT = join(import.meta.dir, "..", "docs", "screenshots");

type Person = { id: string; human: Actor; agent: Actor };

async function seed(app: TestApp) {
  const now = Date.now();
  app.clock.set(now - 13 * DAY);
  const system = app.ctx();
  const passwordHash = await hashPassword(TEST_PASSWORD);
  const person = async (name: string, role: Role): Promise<Person> => {
    const email = `${name.split(" ")[0]!.toLowerCase()}@example.test`;
    const user = await transact(system, (tx, record) => insertUser(tx, record, app.clock.now(), { email, name, role, passwordHash }));
    // Auditors own no keys; their (unused) agent actor is never called.
    const keyId = role === "auditor" ? "" : (await createKey({ ctx: system, input: { name: `${name.split(" ")[0]}'s laptop`, userId: user.id, expiresDays: 90 } })).id;
    return { id: user.id, human: { kind: "human", userId: user.id, role }, agent: { kind: "agent", keyId, userId: user.id, role } };
  };
  const maya = await person("Maya Okafor", "owner");
  const jonas = await person("Jonas Weber", "admin");
  const priya = await person("Priya Raman", "lead");
  const sam = await person("Sam Lee", "developer");
  const alex = await person("Alex Kim", "developer");
  await person("Ruth Cohen", "auditor");

  await createProject({ ctx: system, input: { slug: "shop", name: "Shop", remoteUrl: "https://git.example.test/team/shop.git", protectedGlobs: ["vendor/**", "src/generated/**"] } });
  await createProject({ ctx: system, input: { slug: "platform", name: "Platform", remoteUrl: "https://git.example.test/team/platform.git" } });
  await createModule({ ctx: system, input: { projectSlug: "shop", name: "api", globs: ["src/api/**"], access: { auditor: "read_only" } } });
  await createModule({ ctx: system, input: { projectSlug: "shop", name: "billing", globs: ["src/billing/**"], access: { developer: "excluded", auditor: "excluded" } } });
  await createModule({ ctx: system, input: { projectSlug: "shop", name: "web", globs: ["src/web/**", "public/**"] } });
  await createModule({ ctx: system, input: { projectSlug: "shop", name: "docs", globs: ["docs/**", "*.md"], access: { developer: "read_only" } } });

  const as = (p: Person, kind: "agent" | "human" = "agent") => app.ctx(kind === "agent" ? p.agent : p.human);
  const tick = (ms: number) => app.clock.advance(ms);
  const usage = (p: Person, runId: string, input: number, output: number) => reportUsage({ ctx: as(p), input: { run_id: runId, model: "claude-sonnet-5", input_tokens: input, output_tokens: output, cache_tokens: Math.round(input * 0.6), calls: 12 } });

  // Daily background usage so the chart has a shape.
  const history = (await startRun({ ctx: as(priya), input: { project: "platform", title: "Tidy CI caching", ticket: "PLAT-88", branch: "ci/cache-keys" } })).run_id;
  for (let day = 0; day < 12; day++) {
    await usage(priya, history, 40_000 + ((day * 7919) % 50_000), 9_000 + ((day * 104729) % 12_000));
    tick(DAY);
  }
  const gated = async (p: Person, runId: string, phase: string, decider: Person) => {
    const asked = await advancePhase({ ctx: as(p), input: { run_id: runId, phase, summary: `Ready for ${phase}` } });
    if (asked.checkpoint_id) await decideCheckpoint({ ctx: as(decider, "human"), input: { checkpointId: asked.checkpoint_id, decision: "approve", reason: "Looks good; checks pass." } });
    tick(20 * MINUTE);
    await advancePhase({ ctx: as(p), input: { run_id: runId, phase } });
  };
  // A completed run.
  await advancePhase({ ctx: as(priya), input: { run_id: history, phase: "build" } });
  await advancePhase({ ctx: as(priya), input: { run_id: history, phase: "test" } });
  await reportBuild({ ctx: as(priya), input: { run_id: history, kind: "test", exit_code: 0, duration_ms: 48_200 } });
  await gated(priya, history, "review", jonas);
  await gated(priya, history, "ship", jonas);
  await linkChange({ ctx: as(priya), input: { run_id: history, pr_url: "https://git.example.test/team/platform/pulls/311", commit_sha: "9f3c2a17be" } });
  await finishRun({ ctx: as(priya), input: { run_id: history, outcome: "completed", summary: "CI cache keys now include the lockfile hash.", learnings: ["CI caches must key on the lockfile hash, not the branch name."] } });

  // A failed run.
  tick(3 * HOUR);
  const failed = (await startRun({ ctx: as(alex), input: { project: "platform", title: "Refactor search indexing", ticket: "PLAT-91" } })).run_id;
  await advancePhase({ ctx: as(alex), input: { run_id: failed, phase: "build" } });
  for (let i = 0; i < 3; i++) await reportBuild({ ctx: as(alex), input: { run_id: failed, kind: "build", exit_code: 2, duration_ms: 31_000 + i * 900 } });
  await usage(alex, failed, 61_000, 14_500);
  await finishRun({ ctx: as(alex), input: { run_id: failed, outcome: "failed", summary: "The indexer needs a schema change first." } });

  // The run the screenshots focus on: waiting at the review gate.
  app.clock.set(now - 5 * HOUR);
  const main = (await startRun({ ctx: as(sam), input: { project: "shop", title: "Add invoice CSV export", ticket: "SHOP-142", branch: "feat/invoice-csv" } })).run_id;
  const plan = await planWork({ ctx: as(sam), input: { run_id: main, units: [
    { title: "CSV writer for invoices", paths: ["src/api/invoices/export.ts", "src/api/invoices/csv.ts"] },
    { title: "Export button on the invoices page", paths: ["src/web/invoices/ExportButton.tsx"] },
    { title: "Document the export format", paths: ["docs/invoices.md"] },
  ] } });
  tick(25 * MINUTE);
  await advancePhase({ ctx: as(sam), input: { run_id: main, phase: "build" } });
  for (const [i, unit] of plan.units.entries()) {
    await updateWorkUnit({ ctx: as(sam), input: { run_id: main, unit_id: unit.unit_id, status: "in_progress" } });
    tick(30 * MINUTE);
    if (i < 2) await updateWorkUnit({ ctx: as(sam), input: { run_id: main, unit_id: unit.unit_id, status: "done", note: "Covered by unit tests" } });
  }
  await reportFiles({ ctx: as(sam), input: { run_id: main, action: "modified", paths: ["src/api/invoices/export.ts", "src/web/invoices/ExportButton.tsx", "docs/invoices.md"] } });
  await reportBuild({ ctx: as(sam), input: { run_id: main, kind: "build", exit_code: 0, duration_ms: 12_400 } });
  await advancePhase({ ctx: as(sam), input: { run_id: main, phase: "test" } });
  await reportBuild({ ctx: as(sam), input: { run_id: main, kind: "test", exit_code: 1, duration_ms: 40_100, log_tail: "2 failing: export › escapes quotes" } });
  tick(20 * MINUTE);
  await reportBuild({ ctx: as(sam), input: { run_id: main, kind: "test", exit_code: 0, duration_ms: 39_800 } });
  await usage(sam, main, 182_000, 41_000);
  await linkChange({ ctx: as(sam), input: { run_id: main, branch: "feat/invoice-csv", pr_url: "https://git.example.test/team/shop/pulls/1420" } });
  tick(10 * MINUTE);
  await advancePhase({ ctx: as(sam), input: { run_id: main, phase: "review", summary: "CSV export with escaping tests; docs updated." } });

  // The team adds a security review: version 2 of the default runbook (the runs above stay on v1).
  await publishRunbookVersion({ ctx: as(priya, "human"), input: { runbookId: DEFAULT_RUNBOOK_ID, phases: [
    { name: "plan" }, { name: "build", exit: { requires: "passing_build" } }, { name: "test", exit: { requires: "passing_test" } },
    { name: "security", gate: { minRole: "admin" } }, { name: "review", gate: { minRole: "lead" } }, { name: "ship", gate: { minRole: "lead" } },
  ] } });

  // An active run with a scope violation and drift, and an approval request.
  tick(30 * MINUTE);
  const payments = (await startRun({ ctx: as(alex), input: { project: "shop", title: "Migrate payments to the v3 API", ticket: "SHOP-139", branch: "feat/payments-v3" } })).run_id;
  await planWork({ ctx: as(alex), input: { run_id: payments, units: [{ title: "Switch the client to v3", paths: ["src/api/payments/client.ts"] }] } });
  await advancePhase({ ctx: as(alex), input: { run_id: payments, phase: "build" } });
  await reportFiles({ ctx: as(alex), input: { run_id: payments, action: "modified", paths: ["src/api/payments/client.ts", "src/billing/ledger.ts"] } });
  try {
    // On purpose: skipping a gated phase is refused and recorded as drift.
    await advancePhase({ ctx: as(alex), input: { run_id: payments, phase: "review" } });
  } catch {
    // Expected refusal.
  }
  await usage(alex, payments, 96_000, 22_000);
  tick(15 * MINUTE);
  const upgrade = (await startRun({ ctx: as(sam), input: { project: "platform", title: "Upgrade TypeScript to 7.0", ticket: "PLAT-97" } })).run_id;
  await requestApproval({ ctx: as(sam), input: { run_id: upgrade, reason: "dependency_change", summary: "Bump typescript 6.1 → 7.0 and fix the 14 new strictness errors." } });
  await usage(sam, upgrade, 38_000, 7_200);

  await recordNote({ ctx: as(priya, "human"), input: { project: "shop", body: "Invoice amounts are integers in minor units (cents). Never format them with floating point.", paths: ["src/api/invoices/**"] } });
  await recordNote({ ctx: as(jonas, "human"), input: { project: "shop", body: "Run `bun test test/api` before asking for review: the full suite takes 6 minutes.", paths: [] } });
  // Notification channels (synthetic destinations; the worker is not started, nothing is sent).
  const asMaya = as(maya, "human");
  await createChannel({ ctx: asMaya, input: { name: "#shop-approvals", kind: "slack", url: "https://hooks.slack.com/services/T0SYNTH/B0SYNTH/synthetic", projects: ["shop"] } });
  await createChannel({ ctx: asMaya, input: { name: "Platform (Teams)", kind: "teams", url: "https://example.webhook.office.com/workflows/synthetic", events: ["checkpoint.requested", "run.failed"], projects: ["platform"] } });
  await createChannel({ ctx: asMaya, input: { name: "Phones (ntfy)", kind: "ntfy", url: "https://ntfy.example.internal/railyard-team", personal: true, events: ["checkpoint.requested", "checkpoint.expiring"] } });
  await createChannel({ ctx: asMaya, input: { name: "Mail relay", kind: "email", host: "smtp.example.internal", security: "starttls", username: "railyard", password: "synthetic-password", from: "railyard@example.test", personal: true, events: [] } });
  // Five runs of two people leave 'test' without a passing test; the ritual miner proposes moving the evidence.
  app.clock.set(now - 3 * HOUR);
  await seedMinedProposals(app, [sam.agent, alex.agent] as Extract<Actor, { kind: "agent" }>[], "shop", {
    afterTest: "security", build: "passing",
    titles: ["Invoice PDF footer", "Refund reason codes", "Tax rounding on credit notes", "Currency on receipts", "Dunning e-mail copy"],
  });
  app.clock.set(now);
  return { main, maya };
}

if (!existsSync(CHROMIUM)) {
  console.error(`screenshots: ${CHROMIUM} not found; install it with apt-get install chromium`);
  process.exit(1);
}
mkdirSync(OUT, { recursive: true });
const app = await createTestApp();
const { main } = await seed(app);
const server = serveForBrowser(app, await freshWebAssets());
const browser = await launchChromium();
try {
  const shots: string[] = [];
  const only = process.env.RAILYARD_SHOTS?.split(",");
  const shoot = async (page: import("playwright-core").Page, name: string, fullPage = true) => {
    await page.waitForLoadState("networkidle");
    await page.evaluate(() => document.fonts.ready);
    await page.waitForTimeout(250);
    // RAILYARD_SHOTS=a,b regenerates only those images.
    if (only && !only.includes(name)) return;
    await page.screenshot({ path: join(OUT, `${name}.png`), fullPage });
    shots.push(`${name}.png`);
  };
  const { page, context } = await signIn(browser, server.url, "maya@example.test");
  const visit = async (path: string, name: string, ready: string, fullPage = true) => {
    await page.goto(`${server.url}${path}`);
    await page.getByRole("heading", { name: ready }).first().waitFor();
    await shoot(page, name, fullPage);
  };
  await visit("/", "dashboard", "Dashboard");
  await visit("/runs", "runs", "Runs");
  await visit(`/runs/${main}`, "run-detail", "Add invoice CSV export");
  await visit("/approvals", "approvals", "Approvals");
  await visit("/runbooks", "runbooks", "Runbooks");
  await visit("/projects/shop", "project-modules", "Shop");
  await visit("/notes?project=shop", "shared-brain", "Shared brain");
  await visit("/people", "people", "People");
  await visit("/audit", "audit", "Audit trail", false);
  await visit("/settings", "settings", "Settings");
  const notifications = page.locator(".card", { has: page.getByRole("heading", { name: "Notifications" }) }).first();
  await notifications.waitFor();
  if (!only || only.includes("settings-notifications")) {
    await notifications.screenshot({ path: join(OUT, "settings-notifications.png") });
    shots.push("settings-notifications.png");
  }
  await page.goto(`${server.url}/runbooks`);
  const proposal = page.locator("#runbook-proposals");
  await proposal.getByRole("article").first().waitFor();
  await page.waitForLoadState("networkidle");
  await page.evaluate(() => document.fonts.ready);
  if (!only || only.includes("runbook-proposal")) {
    await proposal.screenshot({ path: join(OUT, "runbook-proposal.png") });
    shots.push("runbook-proposal.png");
  }
  await page.goto(`${server.url}/keys`);
  await page.getByRole("button", { name: "Create key" }).click();
  await page.getByLabel("Name").fill("Maya's laptop - Claude Code");
  await page.getByRole("dialog").getByRole("button", { name: "Create key" }).click();
  await page.getByTestId("new-key").waitFor();
  await shoot(page, "keys-created");
  await context.close();

  const narrow = await signIn(browser, server.url, "priya@example.test", { viewport: { width: 390, height: 844 } });
  await narrow.page.goto(`${server.url}/runs/${main}`);
  await narrow.page.getByRole("heading", { name: "Add invoice CSV export" }).waitFor();
  await shoot(narrow.page, "run-detail-390");
  await narrow.page.goto(`${server.url}/approvals`);
  await narrow.page.getByRole("heading", { name: "Approvals" }).waitFor();
  await shoot(narrow.page, "approvals-390");
  await narrow.context.close();
  console.log(`screenshots: ${shots.length} written to docs/screenshots/: ${shots.join(", ")}`);
} finally {
  await browser.close();
  await server.stop();
  await app.dispose();
}
