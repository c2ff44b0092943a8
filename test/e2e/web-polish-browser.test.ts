// The rest of issue 13, finding 9, in Chromium: a dialog that keeps keyboard focus inside it, a
// focus ring with at least 3:1 contrast, dark mode that follows the system (axe-clean in both),
// sortable tables, key details on the Keys screen, a quieter run page (one time format, repeated
// out-of-scope paths grouped, the timeline in sentences) and the opt-in browser notification for a
// new checkpoint the person may decide.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import type { Browser, Page } from "playwright-core";
import type { Actor } from "../../src/core/context.ts";
import { authenticateKey } from "../../src/core/key/authenticate-key.ts";
import { createKey } from "../../src/core/key/create-key.ts";
import { noteKeyClient } from "../../src/core/key/note-key-client.ts";
import { createModule } from "../../src/core/project/create-module.ts";
import { createProject } from "../../src/core/project/create-project.ts";
import type { Role } from "../../src/core/roles.ts";
import { advancePhase } from "../../src/core/run/advance-phase.ts";
import { reportBuild } from "../../src/core/run/report-build.ts";
import { reportFiles } from "../../src/core/run/report-files.ts";
import { reportUsage } from "../../src/core/run/report-usage.ts";
import { requestApproval } from "../../src/core/run/request-approval.ts";
import { startRun } from "../../src/core/run/start-run.ts";
import { transact } from "../../src/core/transact.ts";
import { insertUser } from "../../src/core/user/create-user.ts";
import { hashPassword } from "../../src/core/user/password.ts";
import { createTestApp, TEST_PASSWORD, type TestApp } from "../support/app.ts";
import { axeProblems, freshWebAssets, HAS_CHROMIUM, holdLiveStream, launchChromium, serveForBrowser, signIn, type BrowserServer } from "../support/browser.ts";

const PHONE = { width: 390, height: 844 };
const describeBrowser = HAS_CHROMIUM ? describe : describe.skip;
const suiteName = HAS_CHROMIUM ? "finishing touches of the web app in Chromium" : "finishing touches of the web app in Chromium (skipped: /usr/bin/chromium is not installed)";

type Person = { id: string; email: string; name: string; human: Actor; agent: Actor; key: string; keyId: string };


/** Whether keyboard focus is inside the open dialog. */
const focusInDialog = (page: Page) => page.evaluate(() => !!document.activeElement?.closest("[role=dialog]"));

/**
 * Tabs through the page `steps` times and measures each focused element's ring: its outline width
 * and the contrast of its colour against the background the ring is drawn on (the first opaque
 * background of the element's parent chain, since the ring sits outside the element).
 */
async function focusRings(page: Page, steps: number): Promise<{ what: string; width: number; ratio: number }[]> {
  const rings: { what: string; width: number; ratio: number }[] = [];
  for (let i = 0; i < steps; i++) {
    await page.keyboard.press("Tab");
    const ring = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      if (!el || el === document.body) return null;
      const parse = (c: string) => {
        const m = /rgba?\(([^)]+)\)/.exec(c);
        if (!m) return null;
        const [r, g, b, a = 1] = m[1]!.split(/[ ,/]+/).filter(Boolean).map(Number);
        return { r: r!, g: g!, b: b!, a };
      };
      const luminance = ({ r, g, b }: { r: number; g: number; b: number }) => {
        const lin = (v: number) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
        return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
      };
      const style = getComputedStyle(el);
      let bg: { r: number; g: number; b: number; a: number } | null = null;
      for (let node = el.parentElement; node && !bg; node = node.parentElement) {
        const c = parse(getComputedStyle(node).backgroundColor);
        if (c && c.a === 1) bg = c;
      }
      bg ??= { r: 255, g: 255, b: 255, a: 1 };
      const ringColor = parse(style.outlineColor);
      const width = style.outlineStyle === "none" || !ringColor || ringColor.a < 1 ? 0 : Number.parseFloat(style.outlineWidth);
      const [hi, lo] = [luminance(ringColor ?? bg), luminance(bg)].sort((a, b) => b - a);
      const what = `${el.tagName.toLowerCase()} “${(el.getAttribute("aria-label") ?? el.textContent ?? "").trim().slice(0, 30)}”`;
      return { what, width, ratio: Math.round(((hi! + 0.05) / (lo! + 0.05)) * 100) / 100 };
    });
    if (ring) rings.push(ring);
  }
  return rings;
}

describeBrowser(suiteName, () => {
  let app: TestApp;
  let server: BrowserServer;
  let browser: Browser;
  const people: Record<string, Person> = {};
  let runId = "";

  beforeAll(async () => {
    app = await createTestApp();
    const system = app.ctx();
    const passwordHash = await hashPassword(TEST_PASSWORD);
    const person = async (handle: string, name: string, role: Role) => {
      const email = `${handle}@example.test`;
      const user = await transact(system, (tx, record) => insertUser(tx, record, app.clock.now(), { email, name, role, passwordHash }));
      const created = await createKey({ ctx: system, input: { name: `${name}'s laptop`, userId: user.id } });
      people[handle] = { id: user.id, email, name, human: { kind: "human", userId: user.id, role }, agent: { kind: "agent", keyId: created.id, userId: user.id, role }, key: created.key, keyId: created.id };
    };
    await person("owner", "Olu Owner", "owner");
    await person("lead", "Lee Lead", "lead");
    await person("dev", "Dana Dev", "developer");
    await person("zed", "Ann Zed", "developer");
    await createProject({ ctx: system, input: { slug: "shop", name: "Shop", protectedGlobs: ["vendor/**"] } });
    await createModule({ ctx: system, input: { projectSlug: "shop", name: "billing", globs: ["src/billing/**"], access: { developer: "excluded", auditor: "excluded" } } });
    await createModule({ ctx: system, input: { projectSlug: "shop", name: "docs", globs: ["docs/**"], access: { developer: "read_only" } } });

    const agent = app.ctx(people.dev!.agent);
    // An earlier run that used far more tokens: first when the runs list is sorted by tokens.
    const big = (await startRun({ ctx: agent, input: { project: "shop", title: "Big spender" } })).run_id;
    await reportUsage({ ctx: agent, input: { run_id: big, model: "m", input_tokens: 50_000, output_tokens: 0 } });
    app.clock.advance(1_000);
    runId = (await startRun({ ctx: agent, input: { project: "shop", title: "Invoice CSV export", ticket: "SHOP-1" } })).run_id;
    await advancePhase({ ctx: agent, input: { run_id: runId, phase: "build" } });
    // The same three out-of-scope paths in three reports: three rows on the run page, not nine.
    for (let i = 0; i < 3; i++) {
      app.clock.advance(5_000);
      await reportFiles({ ctx: agent, input: { run_id: runId, action: "modified", paths: ["src/api/export.ts", "src/billing/ledger.ts", "docs/export.md", "vendor/csv.js"] } });
    }
    await reportBuild({ ctx: agent, input: { run_id: runId, kind: "test", exit_code: 1, duration_ms: 4_000, log_tail: "1 failing" } });
    await reportBuild({ ctx: agent, input: { run_id: runId, kind: "lint", exit_code: 0, duration_ms: 900, log_tail: "ok" } });

    // The lead's key: used by an MCP client from an address, several times; it never expires.
    await authenticateKey(app.services, people.lead!.key, "10.1.2.3");
    await authenticateKey(app.services, people.lead!.key, "10.1.2.3");
    await noteKeyClient(app.services, people.lead!.keyId, { name: "claude-code", version: "2.1.4" });

    server = serveForBrowser(app, await freshWebAssets());
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await app?.dispose();
  });

  test("an open dialog keeps keyboard focus inside it both ways, Escape closes it, and focus returns to the button that opened it", async () => {
    const { page, context, problems } = await signIn(browser, server.url, people.lead!.email);
    await page.goto(`${server.url}/keys`);
    const opener = page.getByRole("button", { name: "Create key" });
    await opener.focus();
    await page.keyboard.press("Enter");
    const dialog = page.getByRole("dialog", { name: "Create a plugin key" });
    await dialog.waitFor();
    expect(await dialog.getByLabel("Name").evaluate((el) => el === document.activeElement)).toBe(true);
    // Forward past the last control and backward past the first: focus never reaches the page behind.
    for (let i = 0; i < 8; i++) {
      await page.keyboard.press("Tab");
      expect(await focusInDialog(page)).toBe(true);
    }
    for (let i = 0; i < 8; i++) {
      await page.keyboard.press("Shift+Tab");
      expect(await focusInDialog(page)).toBe(true);
    }
    // A click on the page behind (through the backdrop's edge) does not take focus out either.
    await page.evaluate(() => document.querySelector<HTMLElement>("nav a")?.focus());
    expect(await focusInDialog(page)).toBe(true);
    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "detached" });
    expect(await opener.evaluate((el) => el === document.activeElement)).toBe(true);
    expect(problems).toEqual([]);
    await context.close();
  }, 30_000);

  for (const scheme of ["light", "dark"] as const) {
    test(`the focus ring is a solid outline of at least 2 px with at least 3:1 contrast on every control reached by Tab (${scheme} mode)`, async () => {
      const { page, context } = await signIn(browser, server.url, people.lead!.email);
      await page.emulateMedia({ colorScheme: scheme });
      const rings: { what: string; width: number; ratio: number }[] = [];
      for (const path of ["/", `/runs/${runId}`, "/keys"]) {
        await page.goto(`${server.url}${path}`);
        await page.locator("main h1").waitFor();
        rings.push(...(await focusRings(page, 30)));
      }
      // The nav (dark in both modes), links, buttons, inputs, sortable headers: all measured.
      expect(rings.length).toBeGreaterThan(40);
      expect(rings.filter((r) => r.width < 2 || r.ratio < 3)).toEqual([]);
      await context.close();
    }, 60_000);
  }

  test("dark mode follows the system setting, and axe finds no serious or critical violation on any screen in dark or light", async () => {
    const { page, context, problems } = await signIn(browser, server.url, people.owner!.email);
    const screens = ["/", "/runs", `/runs/${runId}`, "/approvals", "/runbooks", "/projects", "/projects/shop", "/notes", "/people", "/keys", "/audit", "/settings", "/account"];
    const background = () => page.evaluate(() => getComputedStyle(document.querySelector("main")!.parentElement!).backgroundColor);
    for (const scheme of ["dark", "light"] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      for (const path of screens) {
        await page.goto(`${server.url}${path}`);
        await page.locator("main h1").waitFor();
        await page.waitForFunction(() => !document.querySelector(".loading"));
        expect({ scheme, path, problems: await axeProblems(page) }).toEqual({ scheme, path, problems: [] });
      }
      expect(await background()).toBe(scheme === "dark" ? "rgb(15, 19, 27)" : "rgb(246, 247, 249)");
    }
    expect(problems).toEqual([]);
    await context.close();
  }, 120_000);

  test("tables sort by a column header: aria-sort names the column and direction, a second press reverses, and focus stays on the header", async () => {
    const { page, context } = await signIn(browser, server.url, people.owner!.email);
    await page.goto(`${server.url}/people`);
    const names = () => page.locator("tbody tr td:first-child").evaluateAll((cells) => cells.map((c) => c.firstChild?.textContent?.trim() ?? ""));
    await page.getByText("Ann Zed").waitFor();
    const person = page.getByRole("button", { name: "Person", exact: true });
    await person.click();
    expect(await page.locator("th[aria-sort]").evaluateAll((th) => th.map((t) => `${t.textContent?.replace(/[▲▼↕]/g, "")} ${t.getAttribute("aria-sort")}`))).toEqual(["Person ascending"]);
    expect(await names()).toEqual(["Ann Zed", "Dana Dev", "Lee Lead", "Olu Owner"]);
    await page.keyboard.press("Enter");
    expect(await page.locator("th[aria-sort]").getAttribute("aria-sort")).toBe("descending");
    expect(await names()).toEqual(["Olu Owner", "Lee Lead", "Dana Dev", "Ann Zed"]);
    expect(await person.evaluate((el) => el === document.activeElement)).toBe(true);

    // The runs list is sorted by the server (over every run, not the loaded page), the order in the URL.
    await page.goto(`${server.url}/runs`);
    const firstRun = () => page.locator("tbody tr td:first-child a").first().textContent();
    await page.getByRole("link", { name: "Invoice CSV export" }).waitFor();
    expect(await firstRun()).toBe("Invoice CSV export");
    expect(await page.locator("th[aria-sort]").textContent()).toContain("Updated");
    await page.getByRole("button", { name: "Tokens" }).click();
    await page.waitForURL(/sort=tokens/);
    await page.waitForFunction(() => document.querySelector("tbody tr td:first-child a")?.textContent === "Big spender");
    expect(await page.locator("th[aria-sort]").getAttribute("aria-sort")).toBe("descending");
    await page.getByRole("button", { name: "Tokens" }).click();
    await page.waitForURL(/direction=asc/);
    await page.waitForFunction(() => document.querySelector("tbody tr td:first-child a")?.textContent === "Invoice CSV export");

    // The run page's builds: by duration, longest first on the second press.
    await page.goto(`${server.url}/runs/${runId}`);
    const builds = page.locator("section.card", { hasText: "Builds" });
    await builds.getByRole("button", { name: "Duration" }).click();
    await builds.getByRole("button", { name: "Duration" }).click();
    expect(await builds.locator("tbody tr td:first-child").allTextContents()).toEqual(["test", "lint"]);
    await context.close();
  }, 30_000);

  test("the Keys screen shows the client's name and version, where and when the key was last used, its calls and that it never expires; at 390 px nothing overflows", async () => {
    const { page, context } = await signIn(browser, server.url, people.lead!.email);
    await page.goto(`${server.url}/keys`);
    const row = page.locator("tbody tr", { hasText: "Lee Lead's laptop" });
    await row.waitFor();
    const text = (await row.textContent())!;
    expect(text).toContain("claude-code");
    expect(text).toContain("2.1.4");
    expect(text).toContain("from 10.1.2.3");
    expect(text).toContain("never expires");
    expect(await row.locator("td.num").textContent()).toBe("2");
    expect(await row.locator("td", { hasText: "never used" }).count()).toBe(0);
    await context.close();

    const phone = await signIn(browser, server.url, people.lead!.email, { viewport: PHONE });
    await phone.page.goto(`${server.url}/keys`);
    const narrow = phone.page.locator("tbody tr", { hasText: "Lee Lead's laptop" }).locator(".only-narrow");
    await narrow.waitFor();
    expect(await narrow.textContent()).toBe("2 calls · never expires · claude-code");
    expect(await phone.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
    expect(await axeProblems(phone.page)).toEqual([]);
    await phone.context.close();
  }, 30_000);

  test("the run page groups repeated out-of-scope paths into one row each, writes its timeline in sentences and shows every time in one format", async () => {
    const { page, context } = await signIn(browser, server.url, people.lead!.email);
    await page.goto(`${server.url}/runs/${runId}`);
    const violations = page.locator("section.card", { hasText: "Violations and drift" });
    await violations.locator("tbody tr").first().waitFor();
    const rows = await violations.locator("tbody tr").evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll("td")].slice(0, 3).map((td) => td.textContent?.trim())));
    // Three paths outside the editable scope, each reported three times.
    expect(rows.map((r) => r[0]).sort()).toEqual(["docs/export.md", "src/billing/ledger.ts", "vendor/csv.js"]);
    expect(rows.map((r) => r[2])).toEqual(["3", "3", "3"]);

    const timeline = page.getByRole("list", { name: "Run timeline" });
    const lines = await timeline.locator("li > span").allTextContents();
    expect(lines).toContain("Moved from plan to build");
    expect(lines).toContain("Reported test: exit 1 in 4.0 s");
    expect(lines).toContain("Reported lint: passed in 900 ms");
    expect(lines.some((l) => l.startsWith("Reported 4 files modified"))).toBe(true);
    // No raw "key: value" metadata left.
    expect(lines.filter((l) => /\b[a-z ]+: [\w.-]+;/i.test(l) || /exit code:|duration ms:|run id:/i.test(l))).toEqual([]);

    // One format for every time on the page: date, time with seconds (UTC on hover).
    const times = await page.locator("main time").evaluateAll((els) => els.map((el) => ({ text: el.textContent ?? "", title: el.getAttribute("title") ?? "" })));
    expect(times.length).toBeGreaterThan(10);
    const shape = (t: string) => t.replace(/\d+/g, "9");
    expect(new Set(times.map((t) => shape(t.text))).size).toBe(1);
    expect(times.every((t) => /\d{4}/.test(t.text) && /\d{2}:\d{2}:\d{2}/.test(t.text) && t.title.endsWith(" UTC"))).toBe(true);
    // And no bare clock times left in the tables.
    const cells = await page.locator("main td").allTextContents();
    expect(cells.filter((c) => /^\d{1,2}:\d{2}(:\d{2})?( [AP]M)?$/.test(c.trim()))).toEqual([]);
    expect(await axeProblems(page)).toEqual([]);
    await context.close();
  }, 30_000);

  test("a lead who opts in is notified by the browser of a new checkpoint they may decide, not of one on their own run, and the notification opens the run", async () => {
    const { page, context, problems } = await signIn(browser, server.url, people.lead!.email);
    // The browser's Notification API, recorded (a headless browser shows nothing): permission is
    // asked for only when the person opts in.
    await page.addInitScript(() => {
      const shown: { title: string; body?: string; tag?: string }[] = [];
      const instances: { onclick: (() => void) | null }[] = [];
      class RecordedNotification {
        static permission: NotificationPermission = "default";
        static requests = 0;
        static async requestPermission(): Promise<NotificationPermission> {
          RecordedNotification.requests++;
          RecordedNotification.permission = "granted";
          return "granted";
        }
        onclick: (() => void) | null = null;
        constructor(title: string, options: { body?: string; tag?: string } = {}) {
          shown.push({ title, body: options.body, tag: options.tag });
          instances.push(this);
        }
        close() {}
      }
      Object.assign(window, { Notification: RecordedNotification, __shown: shown, __instances: instances });
    });
    await page.goto(`${server.url}/approvals`);
    const shown = () => page.evaluate(() => (window as unknown as { __shown: { title: string }[] }).__shown.map((n) => n.title));
    const requests = () => page.evaluate(() => (window as unknown as { Notification: { requests: number } }).Notification.requests);
    await page.getByRole("heading", { name: "Approvals", level: 1 }).waitFor();
    const pendingInTitle = async (n: number) => page.waitForFunction((count) => document.title.startsWith(`(${count}) `), n);

    // Not opted in: a new checkpoint changes the count in the title, and nothing is shown or asked.
    const devAgent = app.ctx(people.dev!.agent);
    await requestApproval({ ctx: devAgent, input: { run_id: runId, reason: "dependency_change", summary: "Add the csv-writer dependency" } });
    await pendingInTitle(1);
    await page.waitForTimeout(400);
    expect(await shown()).toEqual([]);
    expect(await requests()).toBe(0);

    await page.getByRole("button", { name: "Notify me of new approvals" }).click();
    await page.getByRole("button", { name: "Browser notifications on" }).waitFor();
    expect(await requests()).toBe(1);

    const second = (await startRun({ ctx: devAgent, input: { project: "shop", title: "Refund button" } })).run_id;
    await requestApproval({ ctx: devAgent, input: { run_id: second, reason: "release", summary: "Ship it" } });
    await page.waitForFunction(() => (window as unknown as { __shown: unknown[] }).__shown.length === 1);
    expect(await shown()).toEqual(["Approval needed: Refund button"]);

    // The lead's own run: counted, but the lead may not decide it (four eyes), so no notification.
    const leadAgent = app.ctx(people.lead!.agent);
    const own = (await startRun({ ctx: leadAgent, input: { project: "shop", title: "Lead's own story" } })).run_id;
    await requestApproval({ ctx: leadAgent, input: { run_id: own, reason: "release", summary: "Mine" } });
    await pendingInTitle(3);
    await page.waitForTimeout(400);
    expect(await shown()).toEqual(["Approval needed: Refund button"]);

    await page.evaluate(() => (window as unknown as { __instances: { onclick: () => void }[] }).__instances[0]!.onclick());
    await page.waitForURL(`${server.url}/runs/${second}`);
    await page.getByRole("heading", { name: "Refund button" }).waitFor();
    expect(problems).toEqual([]);
    await context.close();
  }, 45_000);

  test("a change made before the live stream opened shows once it opens, without a reload", async () => {
    const { page, context, problems } = await signIn(browser, server.url, people.owner!.email);
    // The stream is held back until after the change: the change sends no event the page sees.
    const release = await holdLiveStream(page);
    const devAgent = app.ctx(people.dev!.agent);
    const ask = async (title: string) => {
      const run = (await startRun({ ctx: devAgent, input: { project: "shop", title } })).run_id;
      await requestApproval({ ctx: devAgent, input: { run_id: run, reason: "release", summary: title } });
    };
    const pendingInTitle = () => page.evaluate(() => Number(/^\((\d+)\) /.exec(document.title)?.[1] ?? 0));
    await ask("Shown at load");
    await page.goto(`${server.url}/approvals`);
    await page.getByText("Shown at load").first().waitFor();
    await page.waitForFunction(() => /^\(\d+\) /.test(document.title));
    const before = await pendingInTitle();
    expect(before).toBeGreaterThan(0);

    await ask("Held stream story");
    await page.waitForTimeout(300);
    expect(await page.getByText("Held stream story").count()).toBe(0);

    release();
    await page.getByText("Held stream story").first().waitFor();
    await page.waitForFunction((count) => document.title.startsWith(`(${count}) `), before + 1);
    expect(problems).toEqual([]);
    await context.close();
  }, 30_000);
});
