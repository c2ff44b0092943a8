// Browser harness: Debian's Chromium driven by playwright-core, against a real loopback server that
// serves a web bundle built fresh for this run (the API, guards and headers are the app's own).
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { buildWeb } from "../../scripts/build-web.ts";
import { createHttpApp } from "../../src/http/app.ts";
import type { WebAssets } from "../../src/http/spa.ts";
import { TEST_PASSWORD, type TestApp } from "./app.ts";

export const CHROMIUM = "/usr/bin/chromium";
export const HAS_CHROMIUM = existsSync(CHROMIUM);

const CHROMIUM_ARGS = [
  "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
];

/**
 * Launches headless Chromium. Playwright gives every launch a fresh temporary --user-data-dir (it
 * refuses the flag in `args`), so no profile state survives between runs.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}

/** Builds the web app into a temporary directory and loads it as the server embeds it. */
export async function freshWebAssets(): Promise<WebAssets> {
  const outdir = mkdtempSync(join(tmpdir(), "railyard-web-e2e-"));
  try {
    const built = await buildWeb({ quiet: true, outdir, generate: false });
    const types: Record<string, string> = { js: "text/javascript; charset=utf-8", css: "text/css; charset=utf-8" };
    const assets: Record<string, { body: string; type: string }> = {};
    for (const file of readdirSync(outdir)) {
      if (file === "index.html") continue;
      assets[file] = { body: readFileSync(join(outdir, file), "utf8"), type: types[file.split(".").pop()!] ?? "application/octet-stream" };
    }
    return { index: built.index, assets };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

export interface BrowserServer {
  readonly url: string;
  stop(): Promise<void>;
}

/**
 * Serves `app` on 127.0.0.1 with a free port: /api, /mcp and health go to the app's own handler;
 * the web app comes from `web` through the same HTTP stack (guards, CSP, SPA fallback).
 */
export function serveForBrowser(app: TestApp, web: WebAssets): BrowserServer {
  const spa = createHttpApp({ services: app.services, config: app.config, web, routers: [] });
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    idleTimeout: 60,
    maxRequestBodySize: app.config.maxBodyBytes,
    fetch(request, srv) {
      const path = new URL(request.url).pathname;
      const api = path === "/api" || path.startsWith("/api/") || path === "/mcp" || path === "/healthz" || path === "/readyz";
      return (api ? app.http : spa).fetch(request, srv);
    },
  });
  return { url: `http://127.0.0.1:${server.port}`, stop: () => server.stop(true) };
}

/**
 * A signed-in page: fills the real login form. Console errors and CSP violations are collected so a
 * test can assert the app ran cleanly.
 */
export async function signIn(browser: Browser, baseUrl: string, email: string, options: { viewport?: { width: number; height: number } } = {}): Promise<{ context: BrowserContext; page: Page; problems: string[] }> {
  const context = await browser.newContext({ viewport: options.viewport ?? { width: 1280, height: 860 } });
  // Well under the test timeout, so a missing element fails its own test instead of the whole run.
  context.setDefaultTimeout(8_000);
  const page = await context.newPage();
  const problems: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error" && !/401|Unauthorized/.test(m.text())) problems.push(m.text());
  });
  page.on("pageerror", (e) => problems.push(e.message));
  await page.goto(`${baseUrl}/`);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(TEST_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.locator("header.topbar").waitFor();
  return { context, page, problems };
}

const AXE_SOURCE = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

/** Serious and critical axe-core violations on the page as it is now (rule id and the first offending element). */
export async function axeProblems(page: Page): Promise<string[]> {
  // Evaluated through the DevTools protocol, so the page's CSP (script-src 'self') does not apply.
  if (!(await page.evaluate(() => "axe" in window))) await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: Document, options: object) => Promise<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }> } }).axe;
    const result = await axe.run(document, { resultTypes: ["violations"] });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, target: v.nodes[0]?.target.join(" ") ?? "" }));
  });
  return violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => `${v.impact} ${v.id} at ${v.target}`);
}

/** Holds the page's live-update stream back until the returned `release()`: changes meanwhile send the page no event. */
export async function holdLiveStream(page: Page): Promise<() => void> {
  let release: () => void = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route("**/api/events", async (route) => {
    await held;
    await route.continue();
  });
  return release;
}
