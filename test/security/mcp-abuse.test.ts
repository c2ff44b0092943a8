// A malicious agent with a valid plugin key, talking raw JSON-RPC to /mcp on loopback.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createTestApp, type TestApp } from "../support/app.ts";
import { seedAgent, serve, type Agent, type Served } from "../support/mcp.ts";
import { seedCanaryProject } from "../support/projects.ts";

let app: TestApp;
let served: Served;
let agent: Agent;
let other: Agent;
let runId: string;

const headers = (key: string) => ({
  "content-type": "application/json", accept: "application/json, text/event-stream", authorization: `Bearer ${key}`, "mcp-protocol-version": "2025-11-25",
});

async function post(body: unknown, key = agent.key): Promise<{ status: number; text: string }> {
  const response = await fetch(`${served.url}/mcp`, { method: "POST", headers: headers(key), body: JSON.stringify(body) });
  return { status: response.status, text: await response.text() };
}

const call = (name: string, args: unknown, key = agent.key, id = 1) => post({ jsonrpc: "2.0", id, method: "tools/call", params: { name, arguments: args } }, key);

beforeAll(async () => {
  app = await createTestApp({ "key-rate-limit": "1000" });
  await seedCanaryProject(app);
  served = serve(app);
  agent = await seedAgent(app);
  other = await seedAgent(app);
  const started = await call("start_run", { project: "shop", title: "probe" });
  runId = /run_[A-Za-z0-9]{20}/.exec(started.text)![0];
});
afterAll(async () => {
  await served.stop();
  await app.dispose();
});

describe("JSON-RPC batches", () => {
  test("a batch of tool calls is refused as a whole, so one request cannot carry many rate-limited calls", async () => {
    const batch = Array.from({ length: 5 }, (_, i) => ({
      jsonrpc: "2.0", id: i + 1, method: "tools/call",
      params: { name: "report_usage", arguments: { run_id: runId, model: "m", input_tokens: 1, output_tokens: 1 } },
    }));
    const response = await post(batch);
    expect(response.status).toBe(400);
    expect(JSON.parse(response.text).error.code).toBe(-32600);
    // Nothing in the batch ran.
    const single = await call("report_usage", { run_id: runId, model: "m", input_tokens: 1, output_tokens: 1 });
    expect(single.text).toContain('\\"calls\\":1');
  });
});

describe("paths an agent reports", () => {
  test.each(["a/../../b", "./a", "a/./b", "src/secret-billing/../api/x.ts", "a\\b", "..\\a", "C:/x", "c:x", "/etc/passwd", "a\u0000b", "a/", "a//b", "\u0001"])(
    "%j is refused as invalid input",
    async (path) => {
      const response = await call("report_files", { run_id: runId, action: "read", paths: [path] });
      expect(response.text).toContain("invalid: paths.0");
      expect(response.text).toContain('"isError":true');
    },
  );

  test("another person's key cannot touch this run: it reads as not found", async () => {
    const response = await call("report_files", { run_id: runId, action: "read", paths: ["src/api/x.ts"] }, other.key);
    expect(response.text).toContain("not_found");
  });

  test("non-tool methods and unknown tools are JSON-RPC errors without internal detail", async () => {
    for (const method of ["resources/list", "__proto__", "constructor"]) {
      const response = await post({ jsonrpc: "2.0", id: 1, method });
      expect(response.text).toContain("-32601");
    }
    const unknown = await call("constructor", {});
    expect(unknown.text).toContain("unknown tool");
    expect(unknown.text).not.toMatch(/at .*\.ts:\d+/);
  });
});
