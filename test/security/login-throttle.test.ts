// Attacks on sign-in throttling through the real HTTP stack.
import { afterEach, describe, expect, test } from "bun:test";
import { createTestApp, seedUser, TEST_PASSWORD, type TestApp } from "../support/app.ts";

const SAME_ORIGIN = { "content-type": "application/json", origin: "http://127.0.0.1:7433", "sec-fetch-site": "same-origin" };

let app: TestApp;
afterEach(() => app?.dispose());

function login(email: string, password: string): Promise<Response> {
  return app.request("/api/auth/login", { method: "POST", headers: SAME_ORIGIN, body: JSON.stringify({ email, password }) });
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
