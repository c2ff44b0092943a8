// Sign-in against the storage port: slow work stays outside write transactions, statements are
// compiled once, and the state sign-in keeps belongs to one app.
import { afterEach, describe, expect, test } from "bun:test";
import { hashPassword } from "../../../src/core/user/password.ts";
import { createTestApp, seedUser, TEST_PASSWORD, type TestApp } from "../../support/app.ts";
import { api, cookieFrom } from "../../support/http.ts";
import { sessionHeaders } from "../../support/session-cookie.ts";

const apps: TestApp[] = [];
afterEach(async () => {
  for (const app of apps.splice(0)) await app.dispose();
});
async function newApp(): Promise<TestApp> {
  const app = await createTestApp();
  apps.push(app);
  return app;
}

/**
 * Keeps writing (empty transactions) while `work` runs and returns the longest wait between two
 * commits: a transaction that awaited bcrypt would hold every writer for the whole hash.
 */
async function longestWriterStall(app: TestApp, work: Promise<unknown>): Promise<number> {
  let done = false;
  const finished = work.finally(() => {
    done = true;
  });
  let last = performance.now();
  let longest = 0;
  while (!done) {
    await app.store.write(async () => {});
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
  }
  await finished;
  return longest;
}

async function bcryptMs(): Promise<number> {
  const start = performance.now();
  await hashPassword("a-passphrase-to-time-bcrypt");
  return performance.now() - start;
}

describe("sign-in and the write path", () => {
  test("checking a password holds up no other writer (bcrypt runs outside write transactions)", async () => {
    const app = await newApp();
    const { user } = await seedUser(app, "developer");
    const hashing = await bcryptMs();
    const right = api(app, "POST", "/api/auth/login", { body: { email: user.email, password: TEST_PASSWORD } });
    expect(await longestWriterStall(app, right)).toBeLessThan(hashing / 2);
    expect((await right).status).toBe(200);
    const wrong = api(app, "POST", "/api/auth/login", { body: { email: "ghost@example.test", password: "not-the-password-123" } });
    expect(await longestWriterStall(app, wrong)).toBeLessThan(hashing / 2);
    expect((await wrong).status).toBe(401);
  }, 30_000);

  test("inviting a person hashes their password without holding up other writers", async () => {
    const app = await newApp();
    const { actor } = await seedUser(app, "owner");
    const headers = await sessionHeaders(app, actor);
    const hashing = await bcryptMs();
    const invite = api(app, "POST", "/api/users", { headers, body: { email: "new@example.test", name: "Nia", role: "lead", password: "a-fresh-lead-passphrase" } });
    expect(await longestWriterStall(app, invite)).toBeLessThan(hashing / 2);
    expect((await invite).status).toBe(201);
  }, 30_000);

  test("once warmed up, sign-in, session checks, people admin and sign-out compile no new statements", async () => {
    const app = await newApp();
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
