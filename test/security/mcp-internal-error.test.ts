// An internal failure on /mcp (the database unreadable, the disk full) is answered as a JSON-RPC
// error with the request's id, the way the SDK answers its own: MCP clients understand that, not
// the REST API's error body. Refusing a key stays HTTP-level (401/429) as the transport expects.
import { afterEach, describe, expect, test } from "bun:test";
import { createTestApp, type TestApp } from "../support/app.ts";
import { seedAgent } from "../support/mcp.ts";

let app: TestApp;
afterEach(() => app?.dispose());

const HEADERS = { accept: "application/json, text/event-stream", "content-type": "application/json" };
const ERAS = {
  "2026-07-28": { "mcp-protocol-version": "2026-07-28", "mcp-method": "tools/list" },
  "2025-11-25": { "mcp-protocol-version": "2025-11-25" },
} as const;

function post(key: string, era: keyof typeof ERAS, body: string): Promise<Response> {
  return app.request("/mcp", { method: "POST", headers: { ...HEADERS, ...ERAS[era], authorization: `Bearer ${key}` }, body });
}

async function expectInternalJsonRpc(response: Response, id: string | number | null): Promise<void> {
  expect(response.status).toBe(500);
  expect(response.headers.get("content-type")).toContain("application/json");
  const body = await response.json();
  expect(body).toMatchObject({ jsonrpc: "2.0", id, error: { code: -32603 } });
  expect(typeof body.error.message).toBe("string");
  expect(JSON.stringify(body)).not.toContain("disk");
}

describe("internal failures on /mcp", () => {
  test.each(Object.keys(ERAS) as (keyof typeof ERAS)[])("a database that cannot be read answers a JSON-RPC error with the request's id (%s)", async (era) => {
    app = await createTestApp();
    const agent = await seedAgent(app);
    app.store.read.keys.authByHash = async () => {
      throw new Error("disk I/O error");
    };
    await expectInternalJsonRpc(await post(agent.key, era, JSON.stringify({ jsonrpc: "2.0", id: 7, method: "tools/list", params: {} })), 7);
    await expectInternalJsonRpc(await post(agent.key, era, JSON.stringify({ jsonrpc: "2.0", id: "call-a", method: "tools/list", params: {} })), "call-a");
    await expectInternalJsonRpc(await post(agent.key, era, "not json"), null);
    expect(app.logs()).toContain("mcp authentication failed");
  });

  test("a write that fails (a full disk) answers a JSON-RPC error too", async () => {
    app = await createTestApp();
    const agent = await seedAgent(app);
    // The first request of a key records when it was last used: that write fails.
    app.store.write = async () => {
      throw new Error("disk full (SQLITE_FULL)");
    };
    await expectInternalJsonRpc(await post(agent.key, "2026-07-28", JSON.stringify({ jsonrpc: "2.0", id: 41, method: "tools/list", params: {} })), 41);
  });

  test("refusing a key is still HTTP-level: 401 with the REST error body and a Bearer challenge", async () => {
    app = await createTestApp();
    const response = await post("ryd_not_a_key", "2026-07-28", JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list", params: {} }));
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toContain("Bearer");
    expect((await response.json()).error.code).toBe("unauthenticated");
  });
});
