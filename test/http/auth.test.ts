import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { SignJWT, base64url } from "jose";
import type { UserProfile } from "../../src/core/user/queries.ts";
import { MINUTE, HOUR } from "../../src/lib/time.ts";
import { createTestApp, seedUser, TEST_PASSWORD, type TestApp } from "../support/app.ts";
import { api, cookieFrom, login } from "../support/http.ts";
import { emittedTypes, eventsOf } from "../support/audit.ts";
import { sessionHeaders } from "../support/session-cookie.ts";

let app: TestApp;
beforeEach(async () => {
  app = await createTestApp();
});
afterEach(() => app.dispose());

const eventTypes = () => [...emittedTypes(app)];

/** Changes a person's row behind the verbs' back (no session revocation), as a concurrent change or a repair would. */
async function overwriteUser(id: string, change: Partial<Pick<UserProfile, "role" | "disabled">>) {
  const row = (await app.store.read.users.byId(id))!;
  await app.store.write((tx) => tx.users.setProfile({ id, name: row.name, role: row.role, disabled: row.disabled, updatedAt: app.clock.now(), ...change }));
}

describe("login, me, logout", () => {
  test("login sets an HttpOnly SameSite=Strict session cookie and returns the user without secrets", async () => {
    const { user } = await seedUser(app, "developer");
    const r = await api(app, "POST", "/api/auth/login", { body: { email: user.email.toUpperCase(), password: TEST_PASSWORD } });
    expect(r.status).toBe(200);
    expect(r.json.user).toEqual({ id: user.id, email: user.email, name: user.name, role: "developer", disabled: false, createdAt: user.createdAt });
    const setCookie = r.headers.get("set-cookie")!;
    expect(setCookie).toStartWith("railyard_session=");
    expect(setCookie).toContain("HttpOnly");
    expect(setCookie).toContain("SameSite=Strict");
    expect(setCookie).toContain("Path=/");
    expect(setCookie).not.toContain("Secure");
    expect(r.text).not.toContain("passwordHash");
    expect(r.text).not.toContain("$2");
    expect(eventTypes()).toContain("auth.login_succeeded");
    const me = await api(app, "GET", "/api/auth/me", { headers: { cookie: cookieFrom(r)! } });
    expect(me.status).toBe(200);
    expect(me.json.user.id).toBe(user.id);
    expect(me.json.capabilities).toContain("keys.own");
    expect(me.json.capabilities).not.toContain("users.manage");
    expect(me.json.insecureTransport).toBe(false);
  });

  test("with TLS the cookie is __Host-railyard_session and Secure", async () => {
    const tlsApp = await createTestApp({ "tls-cert": "/nonexistent/cert.pem", "tls-key": "/nonexistent/key.pem" });
    try {
      const { user } = await seedUser(tlsApp, "lead");
      const r = await api(tlsApp, "POST", "/api/auth/login", { body: { email: user.email, password: TEST_PASSWORD } });
      const setCookie = r.headers.get("set-cookie")!;
      expect(setCookie).toStartWith("__Host-railyard_session=");
      expect(setCookie).toContain("; Secure");
      const me = await api(tlsApp, "GET", "/api/auth/me", { headers: { cookie: cookieFrom(r)! } });
      expect(me.status).toBe(200);
      // The plain name is not accepted when TLS is on.
      const plain = await api(tlsApp, "GET", "/api/auth/me", { headers: { cookie: cookieFrom(r)!.replace("__Host-", "") } });
      expect(plain.status).toBe(401);
    } finally {
      await tlsApp.dispose();
    }
  });

  test("me reports insecure transport when serving a non-loopback address without TLS", async () => {
    const lan = await createTestApp({ host: "0.0.0.0", "public-url": "http://railyard.example.test:7433" });
    try {
      const { actor } = await seedUser(lan, "owner");
      const me = await api(lan, "GET", "/api/auth/me", { headers: await sessionHeaders(lan, actor) });
      expect(me.json.insecureTransport).toBe(true);
    } finally {
      await lan.dispose();
    }
  });

  test("me without a cookie, or with garbage, is 401 unauthenticated", async () => {
    for (const cookie of [undefined, "railyard_session=", "railyard_session=garbage", "railyard_session=a.b.c", "other=1"]) {
      const r = await api(app, "GET", "/api/auth/me", { headers: cookie ? { cookie } : {} });
      expect(r.status).toBe(401);
      expect(r.json.error.code).toBe("unauthenticated");
    }
  });

  test("logout revokes the session: the same cookie fails on the next request", async () => {
    const { user } = await seedUser(app, "admin");
    const cookie = await login(app, user.email, TEST_PASSWORD);
    const out = await api(app, "POST", "/api/auth/logout", { headers: { cookie } });
    expect(out.status).toBe(200);
    expect(out.headers.get("set-cookie")).toContain("Max-Age=0");
    expect((await api(app, "GET", "/api/auth/me", { headers: { cookie } })).status).toBe(401);
    expect(eventTypes()).toContain("auth.logout");
    const [logoutEvent] = eventsOf(app, "auth.logout");
    expect((await app.store.read.users.sessionAuth(String(logoutEvent!.meta.sessionId)))!.revokedAt).not.toBeNull();
  });

  test("a wrong password and an unknown email get the same status and message", async () => {
    const { user } = await seedUser(app, "developer");
    const wrong = await api(app, "POST", "/api/auth/login", { body: { email: user.email, password: "not-the-password-123" } });
    const unknown = await api(app, "POST", "/api/auth/login", { body: { email: "ghost@example.test", password: "not-the-password-123" } });
    const malformed = await api(app, "POST", "/api/auth/login", { body: { email: "not an email", password: "x" } });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(malformed.status).toBe(401);
    expect(unknown.json).toEqual(wrong.json);
    expect(malformed.json).toEqual(wrong.json);
    expect(wrong.headers.get("set-cookie")).toBeNull();
    expect(wrong.text).not.toContain("not-the-password");
    expect(eventsOf(app, "auth.login_failed").map((e) => e.meta.reason)).toEqual(["bad_password", "unknown_account", "unknown_account"]);
  });

  test("a disabled person cannot sign in, and gets the same answer as a wrong password", async () => {
    const { user } = await seedUser(app, "developer");
    await overwriteUser(user.id, { disabled: true });
    const r = await api(app, "POST", "/api/auth/login", { body: { email: user.email, password: TEST_PASSWORD } });
    expect(r.status).toBe(401);
    expect(r.json.error.message).toBe("email or password is incorrect");
  });

  test("bad login bodies are refused as invalid without echoing values", async () => {
    for (const body of ['{"email":"a@b.test"}', '{"email":"a@b.test","password":"secret-value-123","extra":1}', "[1,2]", '"text"', "{not json"]) {
      const r = await api(app, "POST", "/api/auth/login", { body });
      expect(r.status).toBe(400);
      expect(r.json.error.code).toBe("invalid");
      expect(r.text).not.toContain("secret-value-123");
    }
  });
});

describe("login throttling", () => {
  test("after 5 failures the account is locked with 429 and retry-after, even with the right password, then backs off exponentially", async () => {
    const { user } = await seedUser(app, "developer");
    for (let i = 0; i < 5; i++) {
      expect((await api(app, "POST", "/api/auth/login", { body: { email: user.email, password: `wrong-password-${i}xx` } })).status).toBe(401);
    }
    const locked = await api(app, "POST", "/api/auth/login", { body: { email: user.email, password: TEST_PASSWORD } });
    expect(locked.status).toBe(429);
    expect(locked.json.error.code).toBe("rate_limited");
    expect(Number(locked.headers.get("retry-after"))).toBe(30);
    expect(eventTypes()).toContain("auth.login_locked");

    app.clock.advance(31_000);
    // One more failure after the lock: the next lock is twice as long.
    expect((await api(app, "POST", "/api/auth/login", { body: { email: user.email, password: "wrong-password-again" } })).status).toBe(401);
    const again = await api(app, "POST", "/api/auth/login", { body: { email: user.email, password: TEST_PASSWORD } });
    expect(again.status).toBe(429);
    expect(Number(again.headers.get("retry-after"))).toBe(60);

    app.clock.advance(61_000);
    expect((await api(app, "POST", "/api/auth/login", { body: { email: user.email, password: TEST_PASSWORD } })).status).toBe(200);
  });

  test("unknown emails lock exactly like real ones (no enumeration through the lock)", async () => {
    for (let i = 0; i < 5; i++) await api(app, "POST", "/api/auth/login", { body: { email: "ghost@example.test", password: "wrong-password-123" } });
    const r = await api(app, "POST", "/api/auth/login", { body: { email: "ghost@example.test", password: "wrong-password-123" } });
    expect(r.status).toBe(429);
  });

  test("failures spread over many accounts from one address lock that address (after 5 × loginMaxFailures)", async () => {
    const { user } = await seedUser(app, "lead");
    await Promise.all(Array.from({ length: 25 }, (_, i) => api(app, "POST", "/api/auth/login", { body: { email: `spray${i}@example.test`, password: "Summer-2026-spray" } })));
    const r = await api(app, "POST", "/api/auth/login", { body: { email: user.email, password: TEST_PASSWORD } });
    expect(r.status).toBe(429);
  }, 30_000);

  test("the threshold follows settings.loginMaxFailures", async () => {
    const { user } = await seedUser(app, "developer");
    const { actor: owner } = await seedUser(app, "owner");
    expect((await api(app, "PATCH", "/api/settings", { body: { loginMaxFailures: 2 }, headers: await sessionHeaders(app, owner) })).status).toBe(200);
    for (let i = 0; i < 2; i++) await api(app, "POST", "/api/auth/login", { body: { email: user.email, password: "wrong-password-123" } });
    expect((await api(app, "POST", "/api/auth/login", { body: { email: user.email, password: TEST_PASSWORD } })).status).toBe(429);
  });
});

describe("session tokens", () => {
  async function signedIn(role: "owner" | "developer" = "developer") {
    const seeded = await seedUser(app, role);
    const cookie = (await sessionHeaders(app, seeded.actor)).cookie!;
    const token = cookie.split("=")[1]!;
    const [, payload] = token.split(".");
    return { ...seeded, cookie, token, claims: JSON.parse(new TextDecoder().decode(base64url.decode(payload!))) };
  }
  const me = (cookie: string) => api(app, "GET", "/api/auth/me", { headers: { cookie } });

  test("an alg:none token with valid claims is refused", async () => {
    const { claims, cookie } = await signedIn();
    expect((await me(cookie)).status).toBe(200);
    const header = base64url.encode(JSON.stringify({ alg: "none", typ: "JWT" }));
    const body = base64url.encode(JSON.stringify(claims));
    expect((await me(`railyard_session=${header}.${body}.`)).status).toBe(401);
  });

  test("tokens signed with another algorithm or another key, or tampered with, are refused", async () => {
    const { claims, token } = await signedIn();
    const hs512 = await new SignJWT(claims).setProtectedHeader({ alg: "HS512" }).sign(app.services.sessionKey);
    expect((await me(`railyard_session=${hs512}`)).status).toBe(401);
    const otherKey = await new SignJWT(claims).setProtectedHeader({ alg: "HS256" }).sign(crypto.getRandomValues(new Uint8Array(32)));
    expect((await me(`railyard_session=${otherKey}`)).status).toBe(401);
    const [h, , s] = token.split(".");
    const promoted = base64url.encode(JSON.stringify({ ...claims, role: "owner" }));
    expect((await me(`railyard_session=${h}.${promoted}.${s}`)).status).toBe(401);
  });

  test("exp and nbf are enforced", async () => {
    const { claims } = await signedIn();
    const now = Math.floor(app.clock.now() / 1000);
    const expired = await new SignJWT({ ...claims, exp: now - 1 }).setProtectedHeader({ alg: "HS256" }).sign(app.services.sessionKey);
    expect((await me(`railyard_session=${expired}`)).status).toBe(401);
    const future = await new SignJWT({ ...claims, nbf: now + 60 }).setProtectedHeader({ alg: "HS256" }).sign(app.services.sessionKey);
    expect((await me(`railyard_session=${future}`)).status).toBe(401);
    const noExp = await new SignJWT({ sid: claims.sid, role: claims.role, sub: claims.sub, nbf: now }).setProtectedHeader({ alg: "HS256" }).sign(app.services.sessionKey);
    expect((await me(`railyard_session=${noExp}`)).status).toBe(401);
  });

  test("an idle session expires after sessionIdleMinutes", async () => {
    const { cookie } = await signedIn();
    app.clock.advance(15 * MINUTE);
    expect((await me(cookie)).status).toBe(401);
  });

  test("activity slides the idle timeout by re-issuing the cookie", async () => {
    let { cookie } = await signedIn();
    for (let i = 0; i < 4; i++) {
      app.clock.advance(10 * MINUTE);
      const r = await me(cookie);
      expect(r.status).toBe(200);
      const renewed = cookieFrom(r);
      expect(renewed).not.toBeNull();
      cookie = renewed!;
    }
    // 40 minutes after sign-in, still signed in; a request within the same minute does not re-issue.
    expect(cookieFrom(await me(cookie))).toBeNull();
  });

  test("the absolute lifetime ends a session however active it is", async () => {
    let { cookie } = await signedIn();
    let last = 200;
    for (let elapsed = 0; elapsed < 12 * HOUR + 20 * MINUTE; elapsed += 10 * MINUTE) {
      app.clock.advance(10 * MINUTE);
      const r = await me(cookie);
      last = r.status;
      if (r.status !== 200) break;
      cookie = cookieFrom(r) ?? cookie;
    }
    expect(last).toBe(401);
    expect(app.clock.now()).toBeLessThanOrEqual(Date.UTC(2026, 10, 23, 12, 0, 0) + 12 * HOUR + 10 * MINUTE);
  });

  test("a role changed behind the session's back revokes it on the next request", async () => {
    const { cookie, user, claims } = await signedIn("developer");
    await overwriteUser(user.id, { role: "lead" });
    expect((await me(cookie)).status).toBe(401);
    expect((await app.store.read.users.sessionAuth(claims.sid))!.revokedAt).not.toBeNull();
    expect(eventsOf(app, "auth.session_revoked").map((e) => e.meta)).toEqual([{ why: "role_changed", count: 1 }]);
  });
});
