// Sign-in against the storage port: slow work stays outside write transactions, statements are
// compiled once, and the state sign-in keeps belongs to one app.
import { afterEach, describe, expect, test } from "bun:test";
import { createTestApp, seedUser, TEST_PASSWORD, type TestApp } from "../../support/app.ts";
import { api, cookieFrom } from "../../support/http.ts";
import { sessionHeaders } from "../../support/session-cookie.ts";
import { issuePasswordReset } from "../../../src/core/user/password-reset.ts";

const apps: TestApp[] = [];
afterEach(async () => {
  for (const app of apps.splice(0)) await app.dispose();
});
async function newApp(options: Parameters<typeof createTestApp>[1] = {}): Promise<TestApp> {
  const app = await createTestApp({}, options);
  apps.push(app);
  return app;
}

/**
 * Runs `work` and counts the bcrypt calls (hash or verify) made while one of the app's write
 * transactions was running: a transaction that awaited bcrypt would hold every writer for the
 * whole hash. Returns [calls inside a write, calls in all].
 */
async function bcryptInsideWrites(app: TestApp, work: () => Promise<unknown>): Promise<[number, number]> {
  const store = app.store as { write: TestApp["store"]["write"] };
  const write = store.write;
  const password = Bun.password as { hash: typeof Bun.password.hash; verify: typeof Bun.password.verify };
  const { hash, verify } = password;
  let running = 0;
  let inside = 0;
  let calls = 0;
  const seen = () => {
    calls++;
    if (running > 0) inside++;
  };
  store.write = ((fn) => write.call(app.store, async (tx) => {
    running++;
    try {
      return await fn(tx);
    } finally {
      running--;
    }
  })) as typeof write;
  password.hash = ((...args: Parameters<typeof hash>) => (seen(), hash(...args))) as typeof hash;
  password.verify = ((...args: Parameters<typeof verify>) => (seen(), verify(...args))) as typeof verify;
  try {
    await work();
  } finally {
    store.write = write;
    password.hash = hash;
    password.verify = verify;
  }
  return [inside, calls];
}

describe("sign-in and the write path", () => {
  test("checking a password holds up no other writer (bcrypt runs outside write transactions)", async () => {
    const app = await newApp();
    const { user } = await seedUser(app, "developer");
    let status = 0;
    expect(await bcryptInsideWrites(app, async () => {
      status = (await api(app, "POST", "/api/auth/login", { body: { email: user.email, password: TEST_PASSWORD } })).status;
    })).toEqual([0, 1]);
    expect(status).toBe(200);
    const [inside, calls] = await bcryptInsideWrites(app, async () => {
      status = (await api(app, "POST", "/api/auth/login", { body: { email: "ghost@example.test", password: "not-the-password-123" } })).status;
    });
    expect(inside).toBe(0);
    // An unknown account is checked against the app's dummy hash, so the answer takes as long.
    expect(calls).toBeGreaterThanOrEqual(1);
    expect(status).toBe(401);
  }, 30_000);

  test("setting a password with a reset link hashes it without holding up other writers", async () => {
    const app = await newApp();
    const { user } = await seedUser(app, "developer");
    const { token } = await issuePasswordReset({ ctx: app.ctx(), input: { id: user.id } });
    let status = 0;
    expect(await bcryptInsideWrites(app, async () => {
      status = (await api(app, "POST", "/api/password-reset", { body: { token, password: "a-fresh-reset-passphrase" } })).status;
    })).toEqual([0, 1]);
    expect(status).toBe(200);
  }, 30_000);

  test("changing one's password verifies and hashes without holding up other writers", async () => {
    const app = await newApp();
    const { actor } = await seedUser(app, "developer");
    const headers = await sessionHeaders(app, actor);
    let status = 0;
    expect(await bcryptInsideWrites(app, async () => {
      status = (await api(app, "POST", "/api/auth/password", { headers, body: { currentPassword: TEST_PASSWORD, newPassword: "a-fresh-changed-passphrase" } })).status;
    })).toEqual([0, 2]);
    expect(status).toBe(200);
  }, 30_000);

  test("once warmed up, sign-in, session checks, people admin and sign-out compile no new statements", async () => {
    // Without the background jobs, which prepare their own statements on their own schedule.
    const app = await newApp({ notifier: false, streamWorker: false });
    const { user } = await seedUser(app, "admin");
    const { user: other } = await seedUser(app, "developer");
    const round = async (name: string) => {
      expect((await api(app, "POST", "/api/auth/login", { body: { email: user.email, password: "not-the-password-123" } })).status).toBe(401);
      const signedIn = await api(app, "POST", "/api/auth/login", { body: { email: user.email, password: TEST_PASSWORD } });
      let cookie = cookieFrom(signedIn)!;
      app.clock.advance(2 * 60_000);
      const me = await api(app, "GET", "/api/auth/me", { headers: { cookie } });
      expect(me.status).toBe(200);
      cookie = cookieFrom(me) ?? cookie;
      expect((await api(app, "GET", "/api/users", { headers: { cookie } })).status).toBe(200);
      expect((await api(app, "PATCH", `/api/users/${other.id}`, { headers: { cookie }, body: { name } })).status).toBe(200);
      expect((await api(app, "POST", "/api/auth/logout", { headers: { cookie } })).status).toBe(200);
    };
    await round("First");
    const before = app.store.statementsPrepared();
    await round("Second");
    await round("Third");
    expect(app.store.statementsPrepared()).toBe(before);
  }, 30_000);

  test("the unknown-account hash is one per app, kept by the app, not by the module", async () => {
    const a = await newApp();
    const b = await newApp();
    const first = await a.services.dummyPasswordHash();
    expect(await a.services.dummyPasswordHash()).toBe(first);
    expect(first).toMatch(/^\$2[aby]\$\d\d\$/);
    expect(await b.services.dummyPasswordHash()).not.toBe(first);
  }, 30_000);
});
