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
  test("a burst of parallel guesses cannot get past the lock: the right password late in the burst is refused like the wrong ones", async () => {
    app = createTestApp();
    await seedUser(app, "developer", "victim@example.test");
    // All attempts are in flight before any bcrypt verification finishes.
    const guesses = Array.from({ length: 30 }, (_, i) => (i === 25 ? TEST_PASSWORD : `wrong-guess-${i}`));
    const responses = await Promise.all(guesses.map((p) => login("victim@example.test", p)));
    const statuses = responses.map((r) => r.status);
    expect(statuses[25]).toBe(429);
    expect(statuses.filter((s) => s === 200)).toHaveLength(0);
    // Once locked, every answer is the same whatever the password: no oracle.
    const late = statuses.slice(20);
    expect(new Set(late)).toEqual(new Set([429]));
    for (const r of responses.slice(20)) expect(r.headers.get("set-cookie")).toBeNull();
  }, 60_000);

  test("a single correct sign-in with no lock still succeeds", async () => {
    app = createTestApp();
    await seedUser(app, "developer", "ok@example.test");
    expect((await login("ok@example.test", TEST_PASSWORD)).status).toBe(200);
  }, 30_000);
});
