// The web app for real teams (issue 13) in Chromium at 1280 and 390 px: approving with the evidence
// in view (queue and run page), decisions that name the person, the audit explorer (names, person
// picker, every type, detail drawer, UTC seconds, filtered export), edit and delete with
// confirmation and undo, errors on the field in plain words, role-blind screens, phone layouts,
// and an axe-core check of every screen (no serious or critical violation).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import type { Browser, Page } from "playwright-core";
import type { Actor } from "../../src/core/context.ts";
import { createKey } from "../../src/core/key/create-key.ts";
import { getSettings } from "../../src/core/setting/get-settings.ts";
import { recordNote } from "../../src/core/knowledge/record-note.ts";
import { createModule } from "../../src/core/project/create-module.ts";
import { createProject } from "../../src/core/project/create-project.ts";
import type { Role } from "../../src/core/roles.ts";
import { advancePhase } from "../../src/core/run/advance-phase.ts";
import { reportBuild } from "../../src/core/run/report-build.ts";
import { reportFiles } from "../../src/core/run/report-files.ts";
import { requestApproval } from "../../src/core/run/request-approval.ts";
import { startRun } from "../../src/core/run/start-run.ts";
import { transact } from "../../src/core/transact.ts";
import { insertUser } from "../../src/core/user/create-user.ts";
import { hashPassword } from "../../src/core/user/password.ts";
import { issuePasswordReset, passwordResetLink } from "../../src/core/user/password-reset.ts";
import { createTestApp, TEST_PASSWORD, type TestApp } from "../support/app.ts";
import { axeProblems, freshWebAssets, HAS_CHROMIUM, launchChromium, serveForBrowser, signIn, type BrowserServer } from "../support/browser.ts";

const PHONE = { width: 390, height: 844 };

const describeBrowser = HAS_CHROMIUM ? describe : describe.skip;
const suiteName = HAS_CHROMIUM ? "the web app for real teams in Chromium" : "the web app for real teams in Chromium (skipped: /usr/bin/chromium is not installed)";

type Person = { id: string; email: string; name: string; human: Actor; agent: Actor };


describeBrowser(suiteName, () => {
  let app: TestApp;
  let server: BrowserServer;
  let browser: Browser;
  const people: Record<string, Person> = {};
  let runId = "";
  let otherRunId = "";

  beforeAll(async () => {
    app = await createTestApp();
    const system = app.ctx();
    const passwordHash = await hashPassword(TEST_PASSWORD);
    const person = async (key: string, name: string, role: Role) => {
      const email = `${key}@example.test`;
      const user = await transact(system, (tx, record) => insertUser(tx, record, app.clock.now(), { email, name, role, passwordHash }));
      const keyId = role === "auditor" ? "" : (await createKey({ ctx: system, input: { name: `${name}'s laptop`, userId: user.id } })).id;
      people[key] = { id: user.id, email, name, human: { kind: "human", userId: user.id, role }, agent: { kind: "agent", keyId, userId: user.id, role } };
    };
    await person("owner", "Olu Owner", "owner");
    await person("admin", "Ada Admin", "admin");
    await person("lead", "Lee Lead", "lead");
    await person("dev", "Dana Dev", "developer");
    await person("auditor", "Aud Itor", "auditor");
    await createProject({ ctx: system, input: { slug: "shop", name: "Shop", protectedGlobs: ["vendor/**"] } });
    await createModule({ ctx: system, input: { projectSlug: "shop", name: "billing", globs: ["src/billing/**"], access: { developer: "excluded", auditor: "excluded" } } });
    await createModule({ ctx: system, input: { projectSlug: "shop", name: "docs", globs: ["docs/**"], access: { developer: "read_only" } } });
    await recordNote({ ctx: app.ctx(people.lead!.human), input: { project: "shop", body: "Amounts are integer cents.", paths: [] } });

    const agent = app.ctx(people.dev!.agent);
    runId = (await startRun({ ctx: agent, input: { project: "shop", title: "Invoice CSV export", ticket: "SHOP-1" } })).run_id;
    await advancePhase({ ctx: agent, input: { run_id: runId, phase: "build" } });
    await reportFiles({ ctx: agent, input: { run_id: runId, action: "modified", paths: ["src/api/export.ts", "src/billing/ledger.ts", "docs/export.md"] } });
    await reportBuild({ ctx: agent, input: { run_id: runId, kind: "test", exit_code: 1, duration_ms: 4000, log_tail: "1 failing" } });
    await requestApproval({ ctx: agent, input: { run_id: runId, reason: "dependency_change", summary: "Add the csv-writer dependency" } });
    otherRunId = (await startRun({ ctx: agent, input: { project: "shop", title: "Second story" } })).run_id;
    await requestApproval({ ctx: agent, input: { run_id: otherRunId, reason: "release", summary: "Release the second story" } });

    server = serveForBrowser(app, await freshWebAssets());
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await app?.dispose();
  });

  test("the approval card shows the run's scope violations, failed tests and changed files before anyone decides", async () => {
    const { page, context, problems } = await signIn(browser, server.url, people.lead!.email);
    await page.goto(`${server.url}/approvals`);
    const card = page.locator("section.card", { hasText: "Add the csv-writer dependency" });
    const evidence = card.getByLabel("Evidence");
    await evidence.waitFor();
    const text = (await evidence.textContent())!;
    expect(text).toContain("2 scope violations");
    expect(text).toContain("src/billing/ledger.ts");
    expect(text).toContain("last test run failed (exit 1)");
    expect(text).toContain("src/api/export.ts");
    expect(problems).toEqual([]);
    await context.close();
  }, 30_000);

  test("a developer's approval card masks paths of a module excluded for their role", async () => {
    const { page, context } = await signIn(browser, server.url, people.dev!.email);
    await page.goto(`${server.url}/approvals`);
    await page.getByText("Add the csv-writer dependency").waitFor();
    await page.getByText("‹billing›").first().waitFor();
    expect(await page.content()).not.toContain("src/billing");
    await context.close();
  }, 30_000);

  test("the lead approves from the run page with the evidence in view, and every decision then reads 'Approved by Lee Lead'", async () => {
    const { page, context } = await signIn(browser, server.url, people.lead!.email);
    await page.goto(`${server.url}/runs/${runId}`);
    const decide = page.locator(".decide-card");
    await decide.getByLabel("Evidence").waitFor();
    expect(await decide.getByLabel("Evidence").textContent()).toContain("last test run failed");
    await decide.getByLabel("Reason").fill("Licence checked; pinned version.");
    await decide.getByRole("button", { name: "Approve" }).click();
    await page.locator(".decide-card").waitFor({ state: "detached" });
    const history = page.locator("section.card", { hasText: "Checkpoint history" });
    await history.getByText("Approved by Lee Lead (lead)").waitFor();
    await page.goto(`${server.url}/approvals`);
    await page.getByRole("tab", { name: "Approved" }).click();
    await page.locator(".decision", { hasText: "Approved by Lee Lead (lead)" }).waitFor();
    await context.close();
  }, 30_000);

  test("the run's owner sees the pending checkpoint on the run page but is told another lead must decide", async () => {
    const { page, context } = await signIn(browser, server.url, people.dev!.email);
    await page.goto(`${server.url}/runs/${otherRunId}`);
    await page.locator(".decide-card").waitFor();
    expect(await page.locator(".decide-card").getByRole("button", { name: "Approve" }).count()).toBe(0);
    expect(await page.locator(".decide-card").textContent()).toContain("Your role cannot decide checkpoints");
    await context.close();
  }, 30_000);

  test("the audit explorer shows names, picks a person, offers every type, opens an event with UTC seconds, and exports exactly the filtered events", async () => {
    const { page, context, problems } = await signIn(browser, server.url, people.auditor!.email);
    await page.goto(`${server.url}/audit`);
    await page.getByRole("cell", { name: /checkpoint approved/ }).first().waitFor();
    expect(await page.locator("tbody").textContent()).toContain("Lee Lead");
    expect(await page.locator("tbody").textContent()).not.toContain("usr_");
    const typeOptions = await page.getByLabel("Type").locator("option").count();
    const registered = Object.keys((await import("../../src/core/audit/registry.ts")).EVENT_TYPES).length;
    expect(typeOptions).toBe(registered + 1);
    // Times are UTC with seconds; the local time is on hover.
    const when = page.locator("tbody time").first();
    expect(await when.textContent()).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC$/);
    expect(await when.getAttribute("title")).toBeTruthy();

    await page.getByLabel("Person").selectOption({ label: "Lee Lead" });
    await page.getByLabel("Type").selectOption("checkpoint.approved");
    await page.getByRole("button", { name: "Apply" }).click();
    await page.getByText(/^1 event match/).waitFor();
    const link = page.getByRole("link", { name: "Export filtered CSV" });
    const href = (await link.getAttribute("href"))!;
    expect(href).toContain("type=checkpoint.approved");
    expect(href).toContain(`actor=${people.lead!.id}`);
    const exported = await page.evaluate(async (url) => (await fetch(url)).text(), href);
    expect(exported.trim().split("\r\n").length).toBe(1 + 1);
    expect(exported).toContain("checkpoint.approved");

    await page.getByRole("button", { name: /^Open event/ }).first().click();
    const drawer = page.getByRole("dialog");
    await drawer.getByTestId("event-detail").waitFor();
    const detail = (await drawer.textContent())!;
    expect(detail).toContain("A person approved a checkpoint.");
    expect(detail).toContain("Lee Lead (person)");
    expect(detail).toMatch(/\d{2}:\d{2}:\d{2} UTC/);
    expect(await drawer.getByRole("link", { name: runId }).count()).toBe(1);
    await page.keyboard.press("Escape");
    await drawer.waitFor({ state: "detached" });
    expect(problems).toEqual([]);
    await context.close();
  }, 40_000);

  test("an admin edits a module: a bad glob is explained on the field in plain words, cleared on change, and the fix saves", async () => {
    const { page, context } = await signIn(browser, server.url, people.admin!.email);
    await page.goto(`${server.url}/projects/shop`);
    await page.getByRole("button", { name: "Edit module docs" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByLabel("Globs").fill("docs/**\n../secrets/**");
    await dialog.getByRole("button", { name: "Save module" }).click();
    const error = dialog.locator(".field .error-text");
    await error.waitFor();
    expect(await error.textContent()).toBe("Line 2: A glob cannot use “.” or “..” as a folder name; write the path from the repository root.");
    expect(await dialog.getByRole("alert").count()).toBe(0);
    expect(await dialog.getByLabel("Globs").getAttribute("aria-invalid")).toBe("true");
    await dialog.getByLabel("Globs").fill("docs/**\nhandbook/**");
    expect(await error.count()).toBe(0);
    await dialog.getByRole("button", { name: "Save module" }).click();
    await dialog.waitFor({ state: "detached" });
    await page.getByText("handbook/**").waitFor();
    await context.close();
  }, 30_000);

  test("deleting a module asks first, says what will happen, and Cancel keeps it", async () => {
    const { page, context } = await signIn(browser, server.url, people.admin!.email);
    await page.goto(`${server.url}/projects/shop`);
    await page.getByRole("button", { name: "Delete module docs" }).click();
    const dialog = page.getByRole("dialog", { name: "Delete module docs?" });
    expect(await dialog.textContent()).toContain("become editable for every role");
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await dialog.waitFor({ state: "detached" });
    expect(await page.getByRole("button", { name: "Delete module docs" }).count()).toBe(1);
    await page.getByRole("button", { name: "Delete module docs" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Delete module" }).click();
    await page.getByRole("button", { name: "Delete module docs" }).waitFor({ state: "detached" });
    await context.close();
  }, 30_000);

  test("an admin edits the project's protected globs, and deleting a project with runs is refused in plain words", async () => {
    const { page, context } = await signIn(browser, server.url, people.admin!.email);
    await page.goto(`${server.url}/projects/shop`);
    await page.getByRole("button", { name: "Edit project" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByLabel("Protected globs").fill("vendor/**\nsrc/generated/**");
    await dialog.getByRole("button", { name: "Save project" }).click();
    await dialog.waitFor({ state: "detached" });
    await page.locator(".glob", { hasText: "src/generated/**" }).first().waitFor();
    await page.getByRole("button", { name: "Delete project" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Delete project" }).click();
    await page.getByText("This project has runs; their history keeps it").waitFor();
    expect(page.url()).toBe(`${server.url}/projects/shop`);
    await context.close();
  }, 30_000);

  test("changing a role asks first; Cancel leaves it, Confirm applies it, and Undo puts it back", async () => {
    const { page, context } = await signIn(browser, server.url, people.owner!.email);
    await page.goto(`${server.url}/people`);
    const select = page.getByLabel("Role of Dana Dev");
    await select.selectOption("lead");
    const dialog = page.getByRole("dialog", { name: "Make Dana Dev a lead?" });
    await dialog.getByRole("button", { name: "Cancel" }).click();
    expect(await select.inputValue()).toBe("developer");
    expect((await app.store.read.users.byId(people.dev!.id))!.role).toBe("developer");
    await select.selectOption("lead");
    await page.getByRole("dialog").getByRole("button", { name: "Make lead" }).click();
    await page.getByText("Dana Dev is now lead.").waitFor();
    expect((await app.store.read.users.byId(people.dev!.id))!.role).toBe("lead");
    await page.getByRole("button", { name: "Undo" }).click();
    await page.getByText("Dana Dev is now lead.").waitFor({ state: "detached" });
    // The toast goes at the click; the undo's request may still be on its way (on PostgreSQL a few ms more).
    for (let i = 0; i < 100 && (await app.store.read.users.byId(people.dev!.id))!.role !== "developer"; i++) await Bun.sleep(50);
    expect((await app.store.read.users.byId(people.dev!.id))!.role).toBe("developer");
    // Disable asks too.
    await page.locator("tr", { hasText: "Dana Dev" }).getByRole("button", { name: "Disable" }).click();
    expect(await page.getByRole("dialog", { name: "Disable Dana Dev?" }).textContent()).toContain("signed out everywhere");
    await page.getByRole("dialog").getByRole("button", { name: "Cancel" }).click();
    expect((await app.store.read.users.byId(people.dev!.id))!.disabled).toBe(false);
    await context.close();
  }, 30_000);

  test("a shorter audit retention is confirmed with what it deletes before it is saved", async () => {
    const { page, context } = await signIn(browser, server.url, people.owner!.email);
    await page.goto(`${server.url}/settings`);
    await page.getByLabel("Keep audit events for (days)").fill("3");
    await page.getByRole("button", { name: "Save settings" }).click();
    const dialog = page.getByRole("dialog", { name: "Keep audit events for only 3 days?" });
    expect(await dialog.textContent()).toContain("deleted for good");
    await dialog.getByRole("button", { name: "Cancel" }).click();
    expect((await getSettings(app.store.read)).retentionDays).not.toBe(3);
    expect(await page.getByText("Settings saved.").count()).toBe(0);
    await context.close();
  }, 30_000);

  test("deleting a note asks first in a dialog, then removes it", async () => {
    const { page, context } = await signIn(browser, server.url, people.lead!.email);
    await page.goto(`${server.url}/notes?project=shop`);
    await page.getByText("Amounts are integer cents.").waitFor();
    await page.getByRole("button", { name: "Delete" }).first().click();
    await page.getByRole("dialog", { name: "Delete this note?" }).getByRole("button", { name: "Delete note" }).click();
    await page.getByText("Amounts are integer cents.").waitFor({ state: "detached" });
    await context.close();
  }, 30_000);

  test("a lead sees only what the role may do: People and Settings say 'not available to your role', with nothing to click", async () => {
    const { page, context } = await signIn(browser, server.url, people.lead!.email);
    await page.goto(`${server.url}/people`);
    await page.getByText("Not available to your role").waitFor();
    expect(await page.getByRole("button", { name: "Invite person" }).count()).toBe(0);
    expect(await page.getByRole("button", { name: "Try again" }).count()).toBe(0);
    expect(await page.getByRole("alert").count()).toBe(0);
    await page.goto(`${server.url}/settings`);
    await page.getByText("editing is not available to your role").waitFor();
    expect(await page.getByRole("button", { name: "Save settings" }).count()).toBe(0);
    expect(await page.getByLabel("Keep audit events for (days)").isDisabled()).toBe(true);
    await context.close();
  }, 30_000);

  test("at 390 px nothing is lost: the whole phase track, every role of the access matrix, and each run's owner and tokens", async () => {
    const { page, context } = await signIn(browser, server.url, people.owner!.email, { viewport: PHONE });
    const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    const inside = async (selector: string) => page.locator(selector).evaluateAll((els) => els.map((el) => {
      const r = el.getBoundingClientRect();
      return r.width > 0 && r.left >= 0 && r.right <= window.innerWidth;
    }));
    await page.goto(`${server.url}/runs/${runId}`);
    await page.locator(".station").first().waitFor();
    const stations = await inside(".track .station .name");
    expect(stations.length).toBe(5);
    expect(stations.every(Boolean)).toBe(true);
    expect(await overflow()).toBeLessThanOrEqual(0);

    await page.goto(`${server.url}/runbooks`);
    await page.locator(".track .station").first().waitFor();
    expect((await inside(".track .station .name")).every(Boolean)).toBe(true);

    await page.goto(`${server.url}/projects/shop`);
    await page.getByLabel("billing access for auditor").waitFor();
    for (const role of ["owner", "admin", "lead", "developer", "auditor"]) {
      const box = (await page.getByLabel(`billing access for ${role}`).boundingBox())!;
      expect(box.x).toBeGreaterThanOrEqual(0);
      expect(box.x + box.width).toBeLessThanOrEqual(PHONE.width);
    }
    expect(await overflow()).toBeLessThanOrEqual(0);

    await page.goto(`${server.url}/runs`);
    const row = page.locator("tbody tr", { hasText: "Invoice CSV export" });
    await row.waitFor();
    const narrow = row.locator(".only-narrow");
    expect(await narrow.isVisible()).toBe(true);
    expect(await narrow.textContent()).toContain("Dana Dev");
    expect(await narrow.textContent()).toContain("tokens");
    expect(await overflow()).toBeLessThanOrEqual(0);
    await context.close();
  }, 40_000);

  test("at 1280 px the auditor column of the access matrix is fully visible and the three levels look different", async () => {
    const { page, context } = await signIn(browser, server.url, people.owner!.email);
    await page.goto(`${server.url}/projects/shop`);
    const auditor = page.getByLabel("billing access for auditor");
    await auditor.waitFor();
    const box = (await auditor.boundingBox())!;
    expect(box.x + box.width).toBeLessThanOrEqual(1280);
    const wrap = (await page.locator(".matrix").boundingBox())!;
    expect(box.x + box.width).toBeLessThanOrEqual(wrap.x + wrap.width);
    // The row's own actions fit too (nothing scrolled out of the card).
    const del = (await page.getByRole("button", { name: "Delete module billing" }).boundingBox())!;
    expect(del.x + del.width).toBeLessThanOrEqual(wrap.x + wrap.width);
    const colour = (label: string) => page.getByLabel(label).evaluate((el) => getComputedStyle(el).backgroundColor);
    // Editable (owner) and excluded (developer) as shown; read-only on a copy of a cell given that level.
    const readOnly = await page.getByLabel("billing access for owner").evaluate((el) => {
      const copy = el.cloneNode(true) as HTMLSelectElement;
      copy.className = "level level-read_only";
      copy.removeAttribute("aria-label");
      el.parentElement!.appendChild(copy);
      const background = getComputedStyle(copy).backgroundColor;
      copy.remove();
      return background;
    });
    const levels = new Set([await colour("billing access for owner"), await colour("billing access for developer"), readOnly]);
    expect(levels.size).toBe(3);
    expect(await page.getByLabel("billing access for developer").locator("option:checked").textContent()).toContain("⊘");
    await context.close();
  }, 30_000);

  describe("accessibility (axe-core in the browser)", () => {
    const screens = () => ["/", "/runs", `/runs/${runId}`, "/approvals", "/runbooks", "/projects", "/projects/shop", "/notes?project=shop", "/people", "/keys", "/audit", "/settings", "/account"];
    for (const viewport of [{ width: 1280, height: 860 }, PHONE]) {
      test(`no serious or critical violation on any screen at ${viewport.width} px`, async () => {
        const { page, context } = await signIn(browser, server.url, people.owner!.email, { viewport });
        const found: string[] = [];
        for (const path of screens()) {
          await page.goto(`${server.url}${path}`);
          await page.locator("main h1").first().waitFor();
          await page.waitForLoadState("networkidle");
          for (const problem of await axeProblems(page)) found.push(`${path}: ${problem}`);
        }
        // An open dialog and the audit drawer are screens too.
        await page.goto(`${server.url}/audit`);
        await page.getByRole("button", { name: /^Open event/ }).first().click();
        await page.getByTestId("event-detail").waitFor();
        for (const problem of await axeProblems(page)) found.push(`/audit drawer: ${problem}`);
        expect(found).toEqual([]);
        await context.close();
      }, 90_000);
    }

    test("the sign-in, setup and set-your-password pages have no serious or critical violation", async () => {
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.goto(`${server.url}/`);
      await page.getByLabel("Email").waitFor();
      const found = await axeProblems(page);
      await page.goto(`${server.url}/setup`);
      await page.getByRole("heading", { name: "Set up Railyard" }).waitFor();
      found.push(...(await axeProblems(page)));
      // A reset link an owner issued for a developer: the form, then a link that no longer works.
      const { token } = await issuePasswordReset({ ctx: app.ctx(people.owner!.human), input: { id: people.dev!.id } });
      await page.goto(`${server.url}${passwordResetLink("", token)}`);
      await page.getByRole("heading", { name: "Set your password" }).waitFor();
      await page.locator("input[type=password]").first().waitFor();
      found.push(...(await axeProblems(page)));
      // A second link opened in the same tab changes only the fragment: the page checks that link.
      await page.goto(`${server.url}${passwordResetLink("", "not-a-real-token-0000000000000000000000000")}`);
      await page.getByText("This link is invalid, used or expired").waitFor();
      found.push(...(await axeProblems(page)));
      expect(found).toEqual([]);
      await context.close();
    }, 30_000);
  });
});
