// Outsider probes through the real HTTP stack: security headers on every kind of answer, Host and
// Origin tricks, and session-cookie quirks.
import { afterEach, describe, expect, test } from "bun:test";
import { createTestApp, seedUser, type TestApp } from "../support/app.ts";
import { seedAgent } from "../support/mcp.ts";
import { sessionHeaders } from "../support/session-cookie.ts";

let app: TestApp;
afterEach(() => app?.dispose());

function expectSecurityHeaders(response: Response): void {
  expect(response.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
  expect(response.headers.get("x-content-type-options")).toBe("nosniff");
  expect(response.headers.get("x-frame-options")).toBe("DENY");
}

describe("security headers", () => {
  test("every kind of answer carries them: 200, 401, 403, 404, 405, 413, 429 and the event stream", async () => {
    app = await createTestApp({ "key-rate-limit": "1" });
    const { actor } = await seedUser(app, "developer");
    const session = await sessionHeaders(app, actor);
    const agent = await seedAgent(app);
    const mcp = { authorization: `Bearer ${agent.key}`, accept: "application/json, text/event-stream", "content-type": "application/json" };
    const list = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" });
    const cases: [number, string, RequestInit][] = [
      [200, "/healthz", {}],
      [401, "/api/auth/me", {}],
      [403, "/healthz", { headers: { host: "evil.example" } }],
      [404, "/api/no-such-route", {}],
      [405, "/mcp", { method: "GET", headers: mcp }],
      [413, "/api/auth/login", { method: "POST", headers: { "content-length": String(64 * 1048576) }, body: "{}" }],
    ];
    for (const [status, path, init] of cases) {
      const response = await app.request(path, init);
      expect(response.status).toBe(status);
      expectSecurityHeaders(response);
    }
    await app.request("/mcp", { method: "POST", headers: { ...mcp, "mcp-protocol-version": "2025-11-25" }, body: list });
    const limited = await app.request("/mcp", { method: "POST", headers: { ...mcp, "mcp-protocol-version": "2025-11-25" }, body: list });
    expect(limited.status).toBe(429);
    expectSecurityHeaders(limited);
    const stream = await app.request("/api/events", { headers: session });
    expect(stream.headers.get("content-type")).toContain("text/event-stream");
    expectSecurityHeaders(stream);
    await stream.body?.cancel();
  });
});

describe("Host and Origin tricks", () => {
  // Malformed ones (`localhost@evil.example`, `evil.example#@localhost`) are 400s: test/security/raw-socket.test.ts.
  test.each(["localhost.", "127.0.0.1.nip.io", "[::ffff:7f00:1]", "evil.example:7433"])("Host %s is refused", async (host) => {
    app = await createTestApp();
    expect((await app.request("/healthz", { headers: { host } })).status).toBe(403);
  });

  test.each(["LOCALHOST", "localhost:7433", "[::1]:7433", "127.0.0.1"])("loopback Host %s is served", async (host) => {
    app = await createTestApp();
    expect((await app.request("/healthz", { headers: { host } })).status).toBe(200);
  });

  test.each([
    ["Origin null", { origin: "null" }],
    ["a lookalike origin", { origin: "http://127.0.0.1.nip.io" }],
    ["a trailing-dot origin", { origin: "http://localhost." }],
    ["a cross-site fetch", { origin: "http://127.0.0.1:7433", "sec-fetch-site": "cross-site" }],
    ["a same-site fetch", { origin: "http://127.0.0.1:7433", "sec-fetch-site": "same-site" }],
  ])("%s cannot sign out, create a key or sign in", async (_why, extra) => {
    app = await createTestApp();
    const { actor } = await seedUser(app, "developer");
    const cookie = (await sessionHeaders(app, actor)).cookie!;
    const headers = { cookie, "content-type": "application/json", ...extra };
    for (const [path, body] of [["/api/auth/logout", "{}"], ["/api/keys", JSON.stringify({ name: "csrf" })], ["/api/auth/login", JSON.stringify({ email: "a@b.c", password: "x" })]] as const) {
      expect((await app.request(path, { method: "POST", headers, body })).status).toBe(403);
    }
    // The session survived every attempt.
    expect((await app.request("/api/auth/me", { headers: { cookie } })).status).toBe(200);
  });
});

describe("session cookie quirks", () => {
  test("whitespace around the name and value is tolerated; case variants, quotes and over-long values are not sessions", async () => {
    app = await createTestApp();
    const { actor } = await seedUser(app, "developer");
    const cookie = (await sessionHeaders(app, actor)).cookie!;
    const token = cookie.split("=")[1]!;
    const status = async (value: string) => (await app.request("/api/auth/me", { headers: { cookie: value } })).status;
    expect(await status(`  railyard_session =  ${token}  `)).toBe(200);
    expect(await status(`other=1; ${cookie}`)).toBe(200);
    expect(await status(`RAILYARD_SESSION=${token}`)).toBe(401);
    expect(await status(`railyard_session="${token}"`)).toBe(401);
    expect(await status(`railyard_session=${token}${"x".repeat(5000)}`)).toBe(401);
    expect(await status(`railyard_session=${token.split(".").slice(0, 2).join(".")}.`)).toBe(401);
  });
});

describe("cross-site checks without Sec-Fetch-Site (older browsers)", () => {
  test("an Origin on the same host but another port is another site: refused, nothing created", async () => {
    const app = await createTestApp();
    try {
      const { actor } = await seedUser(app, "developer");
      const headers = await sessionHeaders(app, actor);
      const { "sec-fetch-site": _omit, ...noFetchSite } = headers;
      const other = await app.request("/api/keys", { method: "POST", headers: { ...noFetchSite, origin: "http://127.0.0.1:9999", "content-type": "application/json" }, body: JSON.stringify({ name: "x" }) });
      expect(other.status).toBe(403);
      const same = await app.request("/api/keys", { method: "POST", headers: { ...noFetchSite, origin: "http://127.0.0.1:7433", "content-type": "application/json" }, body: JSON.stringify({ name: "y" }) });
      expect(same.status).toBe(201);
      const list = await (await app.request("/api/keys", { headers })).json();
      expect(JSON.stringify(list)).not.toContain('"name":"x"');
    } finally {
      await app.dispose();
    }
  });

  test("behind a proxy, the configured --public-url origin is accepted even though the Host differs", async () => {
    const app = await createTestApp({ host: "0.0.0.0", "public-url": "https://railyard.corp.example" });
    try {
      const { actor } = await seedUser(app, "developer");
      const { "sec-fetch-site": _omit, cookie } = await sessionHeaders(app, actor);
      const res = await app.request("http://railyard.corp.example:7433/api/keys", { method: "POST", headers: { cookie: cookie!, origin: "https://railyard.corp.example", "content-type": "application/json" }, body: JSON.stringify({ name: "z" }) });
      expect(res.status).toBe(201);
    } finally {
      await app.dispose();
    }
  });
});
