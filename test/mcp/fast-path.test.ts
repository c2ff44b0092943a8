// The /mcp fast path answers exactly what the SDK would: the same requests sent to an endpoint that
// takes it and to one that sends everything through the SDK get byte-identical answers (status,
// content type, body), for requests the fast path serves and for the near misses it must leave alone.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createMcpEndpoint } from "../../src/mcp/handler.ts";
import { createTestApp, type TestApp } from "../support/app.ts";
import { seedAgent, type Agent } from "../support/mcp.ts";
import { seedCanaryProject } from "../support/projects.ts";

const MODERN = "2026-07-28";
const ENVELOPE = {
  "io.modelcontextprotocol/protocolVersion": MODERN,
  "io.modelcontextprotocol/clientInfo": { name: "raw", version: "1" },
  "io.modelcontextprotocol/clientCapabilities": {},
};

let app: TestApp;
let agent: Agent;
let fast: Bun.Server<unknown>;
let sdk: Bun.Server<unknown>;
let runId: string;

function serveEndpoint(fastPath: boolean): Bun.Server<unknown> {
  const endpoint = createMcpEndpoint(app.services, { version: "test", maxBodyBytes: 100_000, fastPath });
  return Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: (request) => endpoint(request, "127.0.0.1") });
}

interface Exchange { readonly status: number; readonly type: string | null; readonly body: string }

async function send(server: Bun.Server<unknown>, headers: Record<string, string>, body: unknown): Promise<Exchange> {
  const response = await fetch(`http://127.0.0.1:${server.port}/mcp`, {
    method: "POST", headers: { authorization: `Bearer ${agent.key}`, ...headers }, body: typeof body === "string" ? body : JSON.stringify(body),
  });
  // Fresh ids and times differ between the two calls; everything else must not.
  const text = (await response.text()).replace(/run_[A-Za-z0-9]{20}/g, "run_ID").replace(/"(started|updated|finished|created)_at":"[^"]+"/g, '"$1_at":"T"');
  return { status: response.status, type: response.headers.get("content-type"), body: text };
}

const modernHeaders = (method: string, name?: string): Record<string, string> => ({
  "content-type": "application/json", accept: "application/json, text/event-stream",
  "mcp-protocol-version": MODERN, "mcp-method": method, ...(name !== undefined ? { "mcp-name": name } : {}),
});
const call = (id: number | string, name: string, args: unknown, extra: Record<string, unknown> = {}) =>
  ({ jsonrpc: "2.0", id, method: "tools/call", params: { name, arguments: args, _meta: ENVELOPE, ...extra } });

beforeAll(async () => {
  app = await createTestApp({ "key-rate-limit": "100000" });
  await seedCanaryProject(app);
  agent = await seedAgent(app);
  fast = serveEndpoint(true);
  sdk = serveEndpoint(false);
  const started = await fetch(`http://127.0.0.1:${fast.port}/mcp`, {
    method: "POST", headers: { authorization: `Bearer ${agent.key}`, ...modernHeaders("tools/call", "start_run") }, body: JSON.stringify(call(1, "start_run", { project: "shop", title: "probe" })),
  });
  runId = /run_[A-Za-z0-9]{20}/.exec(await started.text())![0];
});
afterAll(async () => {
  await fast.stop(true);
  await sdk.stop(true);
  await app.dispose();
});

let titles = 0;
describe("requests the fast path answers", () => {
  test.each([
    // A fresh title each time: a second run with the same title would carry a warning naming the first.
    ["a successful call", () => call(7, "start_run", { project: "shop", title: `Add invoices ${++titles}` }), "start_run"],
    ["a string id", () => call("req-1", "get_scope", { project: "shop" }), "get_scope"],
    ["a business failure (isError)", () => call(8, "report_build", { run_id: "run_AAAAAAAAAAAAAAAAAAAA", kind: "test", exit_code: 0, duration_ms: 5 }), "report_build"],
    ["invalid arguments (isError naming the field)", () => call(9, "start_run", { project: "shop", title: "x", file_body: "SECRET" }), "start_run"],
    ["a result that needs attention (scope violation)", () => call(10, "report_files", { run_id: runId, action: "modified", paths: ["vendor/lib.js"] }), "report_files"],
    ["no arguments at all", () => ({ jsonrpc: "2.0", id: 11, method: "tools/call", params: { name: "get_scope", _meta: ENVELOPE } }), "get_scope"],
  ])("%s", async (_why, body, name) => {
    const [a, b] = [await send(fast, modernHeaders("tools/call", name), body()), await send(sdk, modernHeaders("tools/call", name), body())];
    expect(a).toEqual(b);
    expect(a.status).toBe(200);
  });

  test("tools/list", async () => {
    const body = { jsonrpc: "2.0", id: 3, method: "tools/list", params: { _meta: ENVELOPE } };
    const [a, b] = [await send(fast, modernHeaders("tools/list"), body), await send(sdk, modernHeaders("tools/list"), body)];
    expect(a).toEqual(b);
    expect(JSON.parse(a.body).result.tools).toHaveLength(13);
    // The catalogue is a constant: both paths tell clients to cache it for a day, not "ttlMs: 0".
    expect(JSON.parse(a.body).result).toMatchObject({ ttlMs: 86_400_000, cacheScope: "private" });
  });
});

describe("near misses go to the SDK and get its answer", () => {
  const named = (name: string, headers: Record<string, string> = {}) => ({ ...modernHeaders("tools/call", name), ...headers });
  const without = (headers: Record<string, string>, key: string) => Object.fromEntries(Object.entries(headers).filter(([k]) => k !== key));
  test.each<[string, () => Record<string, string>, () => unknown]>([
    ["an unknown tool", () => named("delete_everything"), () => call(1, "delete_everything", {})],
    ["a missing Mcp-Name header", () => without(named("get_scope"), "mcp-name"), () => call(1, "get_scope", { project: "shop" })],
    ["a disagreeing Mcp-Name header", () => named("start_run"), () => call(1, "get_scope", { project: "shop" })],
    ["a base64 Mcp-Name header", () => named(`=?base64?${btoa("get_scope")}?=`), () => call(1, "get_scope", { project: "shop" })],
    ["a missing MCP-Protocol-Version header", () => without(named("get_scope"), "mcp-protocol-version"), () => call(1, "get_scope", { project: "shop" })],
    ["a missing Mcp-Method header", () => without(named("get_scope"), "mcp-method"), () => call(1, "get_scope", { project: "shop" })],
    ["a disagreeing Mcp-Method header", () => ({ ...named("get_scope"), "mcp-method": "tools/list" }), () => call(1, "get_scope", { project: "shop" })],
    ["a header naming a revision the body does not", () => ({ ...named("get_scope"), "mcp-protocol-version": "2025-11-25" }), () => call(1, "get_scope", { project: "shop" })],
    ["an envelope naming an unknown modern revision", () => ({ ...named("get_scope"), "mcp-protocol-version": "2099-01-01" }), () => call(1, "get_scope", { project: "shop" }, { _meta: { ...ENVELOPE, "io.modelcontextprotocol/protocolVersion": "2099-01-01" } })],
    ["an invalid envelope", () => named("get_scope"), () => call(1, "get_scope", { project: "shop" }, { _meta: { ...ENVELOPE, "io.modelcontextprotocol/clientInfo": 5 } })],
    ["no envelope under a modern header", () => named("get_scope"), () => ({ jsonrpc: "2.0", id: 1, method: "tools/call", params: { name: "get_scope", arguments: { project: "shop" } } })],
    ["arguments that are not an object", () => named("get_scope"), () => call(1, "get_scope", ["shop"])],
    ["a progress token", () => named("get_scope"), () => call(1, "get_scope", { project: "shop" }, { _meta: { ...ENVELOPE, progressToken: 1 } })],
    ["an extra param", () => named("get_scope"), () => call(1, "get_scope", { project: "shop" }, { task: { ttl: 1000 } })],
    ["a null id", () => named("get_scope"), () => ({ ...call(1, "get_scope", { project: "shop" }), id: null })],
    ["a notification", () => ({ ...modernHeaders("notifications/cancelled") }), () => ({ jsonrpc: "2.0", method: "notifications/cancelled", params: { requestId: 1, _meta: ENVELOPE } })],
    ["another method", () => modernHeaders("resources/list"), () => ({ jsonrpc: "2.0", id: 1, method: "resources/list", params: { _meta: ENVELOPE } })],
    ["a text/plain body", () => ({ ...named("get_scope"), "content-type": "text/plain" }), () => call(1, "get_scope", { project: "shop" })],
    ["malformed JSON", () => named("get_scope"), () => "{not json"],
    ["an empty body", () => named("get_scope"), () => ""],
    ["a 2025-era call (no envelope, no initialize)", () => ({ "content-type": "application/json", accept: "application/json, text/event-stream", "mcp-protocol-version": "2025-11-25" }), () => ({ jsonrpc: "2.0", id: 1, method: "tools/call", params: { name: "get_scope", arguments: { project: "shop" } } })],
  ])("%s", async (_why, headers, body) => {
    const [a, b] = [await send(fast, headers(), body()), await send(sdk, headers(), body())];
    expect(a).toEqual(b);
  });
});
