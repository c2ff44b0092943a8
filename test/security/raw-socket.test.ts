// Probes over a real loopback socket, with the same Bun.serve options as `railyard serve`: raw bytes,
// because fetch normalises the Host header and the body framing these attacks depend on.
import { afterEach, describe, expect, test } from "bun:test";
import { connect } from "node:net";
import { serveOptions } from "../../src/http/app.ts";
import { createTestApp, seedUser, type TestApp } from "../support/app.ts";
import { seedAgent } from "../support/mcp.ts";
import { sessionHeaders } from "../support/session-cookie.ts";

let app: TestApp;
let server: ReturnType<typeof Bun.serve> | undefined;
afterEach(async () => {
  await server?.stop(true);
  server = undefined;
  await app?.dispose();
});

async function listen(flags: Record<string, string> = {}): Promise<number> {
  app = await createTestApp(flags);
  server = Bun.serve({ hostname: "127.0.0.1", port: 0, ...serveOptions(app.http) });
  return server.port!;
}

interface RawResponse {
  status: number;
  headers: Map<string, string>;
  body: string;
}

/** Writes `head` (and `body`) as they are, then reads the answer until the server closes. */
function raw(port: number, head: string, body: string | Buffer = ""): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1", () => {
      socket.write(head);
      if (body.length > 0) socket.write(body);
    });
    const chunks: Buffer[] = [];
    socket.on("data", (chunk: Buffer) => chunks.push(chunk));
    socket.on("error", () => {}); // the server may close while the client is still writing
    socket.on("close", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      const split = text.indexOf("\r\n\r\n");
      if (split < 0) return reject(new Error(`no HTTP answer: ${JSON.stringify(text.slice(0, 200))}`));
      const [statusLine, ...lines] = text.slice(0, split).split("\r\n");
      const headers = new Map(lines.map((line) => [line.slice(0, line.indexOf(":")).toLowerCase(), line.slice(line.indexOf(":") + 1).trim()]));
      resolve({ status: Number(statusLine!.split(" ")[1]), headers, body: text.slice(split + 4) });
    });
    setTimeout(() => socket.destroy(), 5000);
  });
}

function request(method: string, path: string, headers: Record<string, string> = {}): string {
  const lines = Object.entries({ host: "127.0.0.1", connection: "close", ...headers }).map(([k, v]) => `${k}: ${v}`);
  return `${method} ${path} HTTP/1.1\r\n${lines.join("\r\n")}\r\n\r\n`;
}

function expectSecurityHeaders(response: RawResponse): void {
  expect(response.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
  expect(response.headers.get("x-content-type-options")).toBe("nosniff");
  expect(response.headers.get("x-frame-options")).toBe("DENY");
  expect(response.headers.get("referrer-policy")).toBe("no-referrer");
}

function expectJsonError(response: RawResponse, status: number, code: string): void {
  expect(response.status).toBe(status);
  expect(response.headers.get("content-type")).toContain("application/json");
  expect(JSON.parse(response.body).error.code).toBe(code);
  expectSecurityHeaders(response);
}

describe("malformed Host headers", () => {
  test.each(["a@127.0.0.1", "#", "?", "/", "\\", "127.0.0.1:99999", "127.0.0.1:", "a b", "localhost@evil.example", "evil.example#@localhost", ""])(
    "Host %p answers 400 JSON with the security headers, never an error page",
    async (host) => {
      const port = await listen();
      const response = await raw(port, request("GET", "/healthz", { host }));
      expectJsonError(response, 400, "invalid");
      expect(response.body).not.toContain("<");
      expect(response.body).not.toContain(process.cwd());
      expect(response.body.length).toBeLessThan(200);
    },
  );

  test("the same Host values are refused in process too (the guard, not only Bun's URL)", async () => {
    app = await createTestApp();
    for (const host of ["a@127.0.0.1", "127.0.0.1:99999", "127.0.0.1:0", "localhost@evil.example", "evil.example#@localhost"]) {
      const response = await app.request("/healthz", { headers: { host } });
      expect(response.status).toBe(400);
      expect((await response.json()).error.code).toBe("invalid");
    }
    expect((await app.request("/healthz", { headers: { host: "127.0.0.1:7433" } })).status).toBe(200);
  });
});

describe("every response path carries the security headers over a real socket", () => {
  test("200, 400, 401, 403, 404, 500 and the JSON-RPC answers of /mcp", async () => {
    const port = await listen();
    const agent = await seedAgent(app);
    const cases: [number, string][] = [
      [200, request("GET", "/healthz")],
      [200, request("GET", "/")],
      [400, request("GET", "/healthz", { host: "a@127.0.0.1" })],
      [401, request("GET", "/api/auth/me")],
      [401, request("POST", "/mcp", { "content-length": "2", "content-type": "application/json" }) + "{}"],
      [403, request("GET", "/healthz", { host: "evil.example" })],
      [404, request("GET", "/api/no-such-route")],
    ];
    for (const [status, head] of cases) {
      const response = await raw(port, head);
      expect(response.status).toBe(status);
      expectSecurityHeaders(response);
    }
    const list = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" });
    const mcp = await raw(port, request("POST", "/mcp", {
      authorization: `Bearer ${agent.key}`, accept: "application/json, text/event-stream", "content-type": "application/json",
      "mcp-protocol-version": "2025-11-25", "content-length": String(list.length),
    }), list);
    expect(mcp.status).toBe(200);
    expectSecurityHeaders(mcp);

    (app.store as { ready: () => Promise<boolean> }).ready = async () => {
      throw new Error("disk on fire");
    };
    const failed = await raw(port, request("GET", "/readyz"));
    expectJsonError(failed, 500, "internal");
    expect(failed.body).not.toContain("disk on fire");
  });

  test("the live-update stream", async () => {
    const port = await listen();
    const { actor } = await seedUser(app, "developer");
    const session = await sessionHeaders(app, actor);
    const response = await new Promise<string>((resolve) => {
      const socket = connect(port, "127.0.0.1", () => socket.write(request("GET", "/api/events", { cookie: session.cookie!, "sec-fetch-site": "same-origin" })));
      let text = "";
      socket.on("data", (chunk) => {
        text += chunk.toString();
        if (text.includes("\r\n\r\n")) {
          socket.destroy();
          resolve(text);
        }
      });
    });
    expect(response).toStartWith("HTTP/1.1 200");
    expect(response.toLowerCase()).toContain("content-type: text/event-stream");
    expect(response.toLowerCase()).toContain("x-frame-options: deny");
    expect(response.toLowerCase()).toContain("content-security-policy:");
  });

  test("an oversized declared body answers 413 JSON with the headers (not Bun's bare 413) and closes the connection", async () => {
    const port = await listen({ "max-body-bytes": "2048" });
    for (const length of [2049, 64 * 1048576, 2 ** 40]) {
      const response = await raw(port, request("POST", "/api/auth/login", { "content-type": "application/json", "content-length": String(length) }), "{}");
      expectJsonError(response, 413, "too_large");
      expect(response.headers.get("connection")).toBe("close");
    }
  });

  test("an oversized chunked body answers 413 JSON with the headers; a small one is served", async () => {
    const port = await listen({ "max-body-bytes": "2048" });
    const chunked = (payload: string) => `${payload.length.toString(16)}\r\n${payload}\r\n0\r\n\r\n`;
    const big = await raw(port, request("POST", "/api/auth/login", { "content-type": "application/json", "transfer-encoding": "chunked" }), chunked(JSON.stringify({ email: "a@b.c", password: "x".repeat(4000) })));
    expectJsonError(big, 413, "too_large");
    const small = await raw(port, request("POST", "/api/auth/login", { "content-type": "application/json", "transfer-encoding": "chunked", "sec-fetch-site": "same-origin" }), chunked(JSON.stringify({ email: "nobody@example.test", password: "wrong-password-1" })));
    expectJsonError(small, 401, "unauthenticated");
  });

  test("Bun's last-resort error handler answers JSON 500 with the headers", async () => {
    app = await createTestApp();
    const response = app.http.error(new Error("secret internal detail"));
    expect(response.status).toBe(500);
    expect(response.headers.get("x-frame-options")).toBe("DENY");
    expect(JSON.stringify(await response.json())).not.toContain("secret internal detail");
  });
});
