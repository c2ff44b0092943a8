// The password lifecycle in headless Chromium: an admin invites a person and sees the one-time
// link (never a password), the person sets their own password with it, changes it later, and an
// admin's reset link works once.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Browser, Page } from "playwright-core";
import { createTestApp, seedUser, type TestApp } from "../support/app.ts";
import { freshWebAssets, HAS_CHROMIUM, launchChromium, serveForBrowser, signIn, type BrowserServer } from "../support/browser.ts";

const describeBrowser = HAS_CHROMIUM ? describe : describe.skip;
const FIRST = "Ivys-own-first-passphrase";
const SECOND = "Ivys-changed-passphrase-2";
const THIRD = "Ivys-reset-passphrase-3";

describeBrowser("password lifecycle in Chromium", () => {
  let app: TestApp;
  let server: BrowserServer;
  let browser: Browser;
  let adminEmail = "";

  beforeAll(async () => {
    app = await createTestApp();
    adminEmail = (await seedUser(app, "admin", "admin@example.test")).user.email;
    server = serveForBrowser(app, await freshWebAssets());
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await app?.dispose();
  });

  async function setPasswordWithLink(link: string, password: string): Promise<Page> {
    const context = await browser.newContext();
    context.setDefaultTimeout(8_000);
    const page = await context.newPage();
    await page.goto(link);
    await page.getByLabel("New password").fill(password);
    await page.getByLabel("Repeat password").fill(password);
    await page.getByRole("button", { name: "Set password and sign in" }).click();
    await page.getByRole("heading", { name: "Dashboard" }).waitFor();
    expect(page.url()).not.toContain("#token=");
    return page;
  }

  test("invite shows a link, the person sets and changes their password, and a reset link works once", async () => {
    const { page: admin, problems } = await signIn(browser, server.url, adminEmail);
    await admin.goto(`${server.url}/people`);
    await admin.getByRole("button", { name: "Invite person" }).click();
    expect(await admin.getByLabel("First password").count()).toBe(0);
    await admin.getByLabel("Name").fill("Ivy");
    await admin.getByLabel("Email").fill("ivy@example.test");
    await admin.getByRole("button", { name: "Create account" }).click();
    const link = (await admin.getByTestId("reset-link").textContent())!;
    expect(link).toStartWith(`${server.url}/reset-password#token=`);
    expect(await admin.getByRole("button", { name: "Copy link to clipboard" }).count()).toBe(1);
    await admin.getByRole("button", { name: "Done" }).click();

    const ivy = await setPasswordWithLink(link, FIRST);
    await ivy.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Account" }).click();
    await ivy.getByRole("heading", { name: "Change password" }).waitFor();
    await ivy.getByLabel("Current password").fill("not-my-current-passphrase");
    await ivy.getByLabel("New password", { exact: true }).fill(SECOND);
    await ivy.getByLabel("Repeat new password").fill(SECOND);
    await ivy.getByRole("button", { name: "Change password" }).click();
    // Answered after a bcrypt comparison and a throttle write: on a busy machine that can take longer than the default wait.
    await ivy.getByRole("alert").filter({ hasText: "current password is incorrect" }).first().waitFor({ timeout: 25_000 });
    await ivy.getByLabel("Current password").fill(FIRST);
    await ivy.getByRole("button", { name: "Change password" }).click();
    await ivy.getByText("Password changed.").waitFor();
    await ivy.goto(`${server.url}/`);
    await ivy.getByRole("heading", { name: "Dashboard" }).waitFor(); // this session stayed signed in

    await admin.reload();
    await admin.getByRole("button", { name: "Reset password of Ivy" }).click();
    const reset = (await admin.getByTestId("reset-link").textContent())!;
    await setPasswordWithLink(reset, THIRD);
    // Used once: opening it again says so.
    const again = await (await browser.newContext()).newPage();
    await again.goto(reset);
    await again.getByText("This link is invalid, used or expired").waitFor();
    await again.goto(`${server.url}/`);
    await again.getByText("Forgot your password? Ask an admin for a reset link.").waitFor();
    expect(problems).toEqual([]);
  }, 60_000);
});
