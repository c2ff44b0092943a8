// /mcp through the real HTTP stack: plugin-key auth, Host/Origin and size guards, JSON-RPC versus
// tool-result errors, and no internal detail ever reaching a client.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { revokeKey } from "../../src/core/key/revoke-key.ts";
import { createMcpEndpoint } from "../../src/mcp/handler.ts";
import { createTestApp, type TestApp } from "../support/app.ts";
import { connectV1, connectV2, seedAgent, serve, textOf, type Agent, type Served } from "../support/mcp.ts";
import { seedCanaryProject } from "../support/projects.ts";
import { eventsOf } from "../support/runs.ts";

const INIT = {
  jsonrpc: "2.0", id: 1, method: "initialize",
  params: { protocolVersion: "2025-11-25", capabilities: {}, clientInfo: { name: "raw", version: "1" } },
};
const JSON_HEADERS = { "content-type": "application/json", accept: "application/json, text/event-stream" };

let app: TestApp;
let served: Served;
let agent: Agent;
beforeAll(async () => {
  app = await createTestApp({ "max-body-bytes": "4096" });
  await seedCanaryProject(app);
  served = serve(app);
  agent = await seedAgent(app);
});
afterAll(async () => {
  await served.stop();
  await app.dispose();
});

describe("authentication", () => {
  test.each([
    ["no Authorization header", {}],
    ["an unknown key", { authorization: "Bearer ryd_notARealKey" }],
    ["another scheme", { authorization: `Basic ${btoa("a:b")}` }],
  ])("%s is refused with 401 and a plain Bearer challenge", async (_why, headers) => {
    const response = await fetch(`${served.url}/mcp`, { method: "POST", headers: { ...JSON_HEADERS, ...headers }, body: JSON.stringify(INIT) });
    expect(response.status).toBe(401);
    const challenge = response.headers.get("www-authenticate") ?? "";
    expect(challenge).toMatch(/^Bearer\b/);
    // No OAuth protected-resource metadata is advertised (clients would then ignore the header).
    expect(challenge).not.toContain("resource_metadata");
    expect(await response.text()).not.toContain("ryd_notARealKey");
  });

  test("no OAuth metadata document is served anywhere", async () => {
    for (const path of ["/.well-known/oauth-protected-resource", "/.well-known/oauth-protected-resource/mcp", "/.well-known/oauth-authorization-server"]) {
      const response = await fetch(`${served.url}${path}`);
      expect(await response.text()).not.toContain("authorization_servers");
    }
  });

  test("a revoked key fails on the very next request", async () => {
    const own = await seedAgent(app);
    const client = await connectV2(served, own.key);
    expect((await client.listTools()).tools).toHaveLength(13);
    await revokeKey({ ctx: app.ctx(own.human), input: { id: own.keyId } });
    const response = await fetch(`${served.url}/mcp`, { method: "POST", headers: { ...JSON_HEADERS, authorization: `Bearer ${own.key}` }, body: JSON.stringify(INIT) });
    expect(response.status).toBe(401);
  });
});

describe("HTTP guards on /mcp", () => {
  test("a foreign Host header is refused with 403 before the key is looked at", async () => {
    const response = await app.request("/mcp", { method: "POST", headers: { ...JSON_HEADERS, host: "evil.example:7433", authorization: `Bearer ${agent.key}` }, body: JSON.stringify(INIT) });
    expect(response.status).toBe(403);
  });

  test("a foreign Origin is refused with 403 (DNS rebinding)", async () => {
    const response = await fetch(`${served.url}/mcp`, { method: "POST", headers: { ...JSON_HEADERS, origin: "http://evil.example", authorization: `Bearer ${agent.key}` }, body: JSON.stringify(INIT) });
    expect(response.status).toBe(403);
  });

  test("a body over max-body-bytes is refused with 413", async () => {
    const big = { ...INIT, params: { ...INIT.params, clientInfo: { name: "x".repeat(8000), version: "1" } } };
    const response = await fetch(`${served.url}/mcp`, { method: "POST", headers: { ...JSON_HEADERS, authorization: `Bearer ${agent.key}` }, body: JSON.stringify(big) });
    expect(response.status).toBe(413);
  });

  test("stateless: there is no session to open with GET or close with DELETE", async () => {
    for (const method of ["GET", "DELETE"]) {
      const response = await fetch(`${served.url}/mcp`, { method, headers: { accept: "text/event-stream", authorization: `Bearer ${agent.key}` } });
      expect(response.status).toBe(405);
    }
  });
});

describe("errors", () => {
  test("malformed JSON is a JSON-RPC parse error", async () => {
    const response = await fetch(`${served.url}/mcp`, { method: "POST", headers: { ...JSON_HEADERS, authorization: `Bearer ${agent.key}` }, body: "{not json" });
    const body = await response.json() as any;
    expect(body.error.code).toBe(-32700);
  });

  test("an unknown tool is a JSON-RPC error in both eras", async () => {
    const v1 = await connectV1(served, agent.key);
    const v2 = await connectV2(served, agent.key);
    await expect(v1.callTool({ name: "delete_everything", arguments: {} })).rejects.toThrow(/-32602|unknown tool/);
    await expect(v2.callTool({ name: "delete_everything", arguments: {} })).rejects.toThrow(/unknown tool/);
    await v1.close();
    await v2.close();
  });

  test("bad arguments are an isError result naming the field, never echoing the value, and are audited", async () => {
    const v2 = await connectV2(served, agent.key);
    const result = await v2.callTool({ name: "start_run", arguments: { project: "shop", title: "x", file_body: "SECRET-FILE-CONTENT" } });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toContain("file_body");
    expect(textOf(result)).not.toContain("SECRET-FILE-CONTENT");
    const tooLong = await v2.callTool({ name: "start_run", arguments: { project: "shop", title: "T".repeat(201) } });
    expect(tooLong.isError).toBe(true);
    expect(textOf(tooLong)).toContain("title");
    expect(app.logs()).not.toContain("SECRET-FILE-CONTENT");
    const rejected = await eventsOf(app, { type: "input.rejected" });
    expect(rejected.length).toBeGreaterThanOrEqual(2);
    expect(rejected.map((e) => e.meta).join()).not.toContain("SECRET-FILE-CONTENT");
    await v2.close();
  });

  test("a business failure is an isError result an agent can act on", async () => {
    const v1 = await connectV1(served, agent.key);
    const result = await v1.callTool({ name: "report_build", arguments: { run_id: "run_AAAAAAAAAAAAAAAAAAAA", kind: "test", exit_code: 0, duration_ms: 5 } });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toContain("start_run");
    await v1.close();
  });

  test("an internal error reaches the client as a generic message: no internal text, no stack", async () => {
    const broken = { ...app.services, scan: () => { throw new Error("INTERNAL-DETAIL /var/lib/railyard/db.sqlite line 42"); } };
    const endpoint = createMcpEndpoint(broken, { version: "test", maxBodyBytes: 1_000_000 });
    const server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: (request) => endpoint(request, "127.0.0.1") });
    try {
      const client = await connectV2({ url: `http://127.0.0.1:${server.port}`, stop: async () => {} }, agent.key);
      const result = await client.callTool({ name: "start_run", arguments: { project: "shop", title: "Add invoices" } });
      expect(result.isError).toBe(true);
      const text = JSON.stringify(result);
      expect(text).toContain("internal");
      expect(text).not.toContain("INTERNAL-DETAIL");
      expect(text).not.toContain("db.sqlite");
      expect(text).not.toMatch(/\bat .*\.ts:\d+/);
      expect(app.logs()).not.toContain("INTERNAL-DETAIL");
      await client.close();
    } finally {
      await server.stop(true);
    }
  });
});
