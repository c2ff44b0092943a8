// Attacks on sign-in throttling through the real HTTP stack.
import { afterEach, describe, expect, test } from "bun:test";
import { ACCOUNT_SPACING_MS } from "../../src/core/user/login.ts";
import { setClientAddress } from "../../src/http/request-info.ts";
import { createTestApp, seedUser, TEST_PASSWORD, type TestApp } from "../support/app.ts";
import { eventsOf } from "../support/audit.ts";

const SAME_ORIGIN = { "content-type": "application/json", origin: "http://127.0.0.1:7433", "sec-fetch-site": "same-origin" };

let app: TestApp;
afterEach(() => app?.dispose());

function login(email: string, password: string): Promise<Response> {
  return app.request("/api/auth/login", { method: "POST", headers: SAME_ORIGIN, body: JSON.stringify({ email, password }) });
}

/** A sign-in whose peer address is `address` (as the server would see it behind a proxy or on the LAN). */
function loginFrom(address: string, email: string, password: string): Promise<Response> {
  const request = new Request(`http://127.0.0.1:${app.config.port}/api/auth/login`, { method: "POST", headers: SAME_ORIGIN, body: JSON.stringify({ email, password }) });
  setClientAddress(request, address);
  return app.http.handle(request);
}

describe("login throttling under concurrency", () => {
  test("a burst of parallel guesses gets no more passwords checked than the lock allows (5), and the lock then holds", async () => {
    app = await createTestApp();
    await seedUser(app, "developer", "victim@example.test");
    // All attempts are in flight before any bcrypt verification finishes.
    const responses = await Promise.all(Array.from({ length: 30 }, (_, i) => login("victim@example.test", `wrong-guess-${i}`)));
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(25);
    // The right password is refused too while the lock holds.
    const right = await login("victim@example.test", TEST_PASSWORD);
    expect(right.status).toBe(429);
    expect(right.headers.get("set-cookie")).toBeNull();
  }, 60_000);

  test("the right password on the last allowed attempt still signs in, and lifts the address lock it set", async () => {
    app = await createTestApp();
    await seedUser(app, "developer", "typo@example.test");
    for (let i = 0; i < 4; i++) expect((await login("typo@example.test", `typo-${i}`)).status).toBe(401);
    expect((await login("typo@example.test", TEST_PASSWORD)).status).toBe(200);
    await seedUser(app, "developer", "colleague@example.test");
    expect((await login("colleague@example.test", TEST_PASSWORD)).status).toBe(200);
  }, 30_000);

  test("a single correct sign-in with no lock still succeeds", async () => {
    app = await createTestApp();
    await seedUser(app, "developer", "ok@example.test");
    expect((await login("ok@example.test", TEST_PASSWORD)).status).toBe(200);
  }, 30_000);
});

describe("login throttling per (account, address)", () => {
  test("behind a proxy (one address): 4 typos, a good sign-in, 1 typo, then a colleague's correct password signs in", async () => {
    app = await createTestApp();
    await seedUser(app, "developer", "typist@example.test");
    await seedUser(app, "developer", "colleague@example.test");
    for (let i = 0; i < 4; i++) expect((await loginFrom("10.0.0.1", "typist@example.test", `typo-${i}`)).status).toBe(401);
    expect((await loginFrom("10.0.0.1", "typist@example.test", TEST_PASSWORD)).status).toBe(200);
    expect((await loginFrom("10.0.0.1", "typist@example.test", "one-more-typo")).status).toBe(401);
    expect((await loginFrom("10.0.0.1", "colleague@example.test", TEST_PASSWORD)).status).toBe(200);
  }, 30_000);

  test("a good sign-in clears its pair: the same person may again mistype loginMaxFailures - 1 times", async () => {
    app = await createTestApp();
    await seedUser(app, "developer", "again@example.test");
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 4; i++) expect((await loginFrom("10.0.0.1", "again@example.test", `typo-${round}-${i}`)).status).toBe(401);
      expect((await loginFrom("10.0.0.1", "again@example.test", TEST_PASSWORD)).status).toBe(200);
    }
  }, 30_000);

  test("no one can lock another person out: a burst of wrong guesses from one address leaves the owner signing in from theirs", async () => {
    app = await createTestApp();
    await seedUser(app, "owner", "victim@example.test");
    const burst = await Promise.all(Array.from({ length: 12 }, (_, i) => loginFrom("203.0.113.9", "victim@example.test", `guess-${i}`)));
    expect(burst.map((r) => r.status).filter((s) => s === 401)).toHaveLength(5);
    // The attacker's pair is locked, right password or not, with the same answer.
    const right = await loginFrom("203.0.113.9", "victim@example.test", TEST_PASSWORD);
    const wrong = await loginFrom("203.0.113.9", "victim@example.test", "another-guess");
    expect([right.status, wrong.status]).toEqual([429, 429]);
    expect((await right.json()).error.code).toBe((await wrong.json()).error.code);
    expect(right.headers.get("retry-after")).toBe(wrong.headers.get("retry-after"));
    expect(eventsOf(app, "auth.login_failed")).toHaveLength(5);
    expect(eventsOf(app, "auth.login_locked").map((e) => e.meta.scope).filter(Boolean)).toContainEqual(["pair"]);
    expect((await loginFrom("10.0.0.7", "victim@example.test", TEST_PASSWORD)).status).toBe(200);
  }, 30_000);

  test("one address is locked after 5 × loginMaxFailures failures over all accounts; other addresses are not", async () => {
    app = await createTestApp();
    await seedUser(app, "developer", "target@example.test");
    // 4 guesses at each of 6 accounts: no pair reaches its limit, the address does (at 25).
    const spray = await Promise.all(Array.from({ length: 24 }, (_, i) => loginFrom("198.51.100.4", `spray${i % 6}@example.test`, `Summer-2026-${i}`)));
    expect(spray.every((r) => r.status === 401)).toBe(true);
    expect((await loginFrom("198.51.100.4", "spray-last@example.test", "Summer-2026-x")).status).toBe(401);
    expect((await loginFrom("198.51.100.4", "target@example.test", TEST_PASSWORD)).status).toBe(429);
    expect((await loginFrom("10.0.0.8", "target@example.test", TEST_PASSWORD)).status).toBe(200);
  }, 60_000);

  test("an account attacked from many addresses is slowed down, not locked: attempts are spaced out and the right password still signs in", async () => {
    app = await createTestApp();
    await seedUser(app, "developer", "popular@example.test");
    // 10 addresses × 5 guesses = 10 × loginMaxFailures: the account's slow-down threshold.
    for (let a = 0; a < 10; a++) {
      const guesses = await Promise.all(Array.from({ length: 5 }, (_, i) => loginFrom(`192.0.2.${a}`, "popular@example.test", `guess-${a}-${i}`)));
      expect(guesses.every((r) => r.status === 401)).toBe(true);
    }
    const started = performance.now();
    const slowed = await Promise.all([0, 1, 2].map((i) => loginFrom(`192.0.2.${100 + i}`, "popular@example.test", `slowed-${i}`)));
    expect(slowed.map((r) => r.status)).toEqual([401, 401, 401]);
    // Three parallel attempts take their turns: the last waited two spacings.
    expect(performance.now() - started).toBeGreaterThanOrEqual(2 * ACCOUNT_SPACING_MS - 50);
    app.clock.advance(3 * ACCOUNT_SPACING_MS);
    expect((await loginFrom("10.0.0.9", "popular@example.test", TEST_PASSWORD)).status).toBe(200);
  }, 60_000);
});
