import { afterAll, describe, expect, test } from "bun:test";
import { createTestApp } from "../support/app.ts";
import { eventsOf } from "../support/audit.ts";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const app = await createTestApp();
afterAll(() => app.dispose());

describe("every response", () => {
  test.each(["/healthz", "/readyz", "/", "/runs/run_x", "/api/does-not-exist", "/assets/missing.js"])("%s carries the security headers", async (path) => {
    const res = await app.request(path);
    const csp = res.headers.get("content-security-policy")!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain("unsafe-inline");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(res.headers.get("x-frame-options")).toBe("DENY");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("referrer-policy")).toBe("no-referrer");
  });

  test("refusals carry the security headers too", async () => {
    const res = await app.request("http://evil.example/healthz");
    expect(res.status).toBe(403);
    expect(res.headers.get("x-frame-options")).toBe("DENY");
  });
});

describe("health", () => {
  test("/healthz answers ok and /readyz ready when migrated", async () => {
    expect(await (await app.request("/healthz")).json()).toEqual({ status: "ok" });
    const ready = await app.request("/readyz");
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: "ready" });
  });
});

describe("Host and Origin allow-list (DNS-rebinding protection)", () => {
  test.each(["http://127.0.0.1:7433/healthz", "http://localhost:7433/healthz"])("loopback host %s is allowed", async (url) => {
    expect((await app.request(url)).status).toBe(200);
  });

  test("an unknown Host is refused with 403 and recorded", async () => {
    const res = await app.request("/healthz", { headers: { host: "attacker.example:7433" } });
    expect(res.status).toBe(403);
    expect((await res.json()).error.code).toBe("forbidden");
    expect(eventsOf(app, "origin.rejected").map((e) => e.meta.why)).toContain("host");
  });

  test("a foreign Origin is refused even with a good Host", async () => {
    const res = await app.request("/healthz", { headers: { origin: "https://attacker.example" } });
    expect(res.status).toBe(403);
  });

  test("the --public-url host is allowed", async () => {
    const lan = await createTestApp({ host: "0.0.0.0", "public-url": "https://railyard.corp.example" });
    try {
      expect((await lan.request("https://railyard.corp.example/healthz")).status).toBe(200);
      expect((await lan.request("https://other.corp.example/healthz")).status).toBe(403);
    } finally {
      await lan.dispose();
    }
  });
});

describe("size limits", () => {
  test("a body over the limit is refused with 413 before it is read", async () => {
    const res = await app.request("/api/anything", { method: "POST", headers: { "content-length": String(app.config.maxBodyBytes + 1), "content-type": "application/json" }, body: "{}" });
    expect(res.status).toBe(413);
    expect((await res.json()).error.code).toBe("too_large");
  });
});

describe("the web app", () => {
  test("/ serves the index with its hashed script, and client-side routes get the index too", async () => {
    const html = await (await app.request("/")).text();
    expect(html).toContain('<div id="app">');
    const script = /src="\/assets\/([^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    const asset = await app.request(`/assets/${script}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get("cache-control")).toContain("immutable");
    expect(await (await app.request("/approvals")).text()).toBe(html);
  });

  test("the index loads nothing from another origin and has no inline script", async () => {
    const html = await (await app.request("/")).text();
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
  });

  test("unknown /api routes answer JSON errors, not the web app", async () => {
    const res = await app.request("/api/nope");
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: { code: "not_found", message: "no such route" } });
  });
});

describe("metrics", () => {
  test("/metrics is off unless enabled", async () => {
    const res = await app.request("/metrics");
    expect(res.headers.get("content-type")).toContain("text/html");
  });

  test("with --metrics, /metrics reports requests by bounded route label, audit events and database size", async () => {
    const tokenDir = mkdtempSync(join(tmpdir(), "railyard-metrics-"));
    const tokenFile = join(tokenDir, "token");
    writeFileSync(tokenFile, "metrics-token-for-tests-0123456789\n");
    const metered = await createTestApp({ metrics: "true", "metrics-token-file": tokenFile });
    try {
      await metered.request("/healthz");
      await metered.request("/api/runs/run_secretish_id");
      const res = await metered.request("/metrics", { headers: { authorization: "Bearer metrics-token-for-tests-0123456789" } });
      expect(res.headers.get("content-type")).toContain("text/plain");
      const text = await res.text();
      expect(text).toMatch(/railyard_http_requests_total\{route="\/healthz",method="GET",status="200"\} 1/);
      expect(text).toContain('route="/api/runs"');
      expect(text).not.toContain("run_secretish_id");
      expect(text).toMatch(/railyard_database_bytes \d+/);
      expect(text).toMatch(/railyard_audit_events \d+/);
    } finally {
      await metered.dispose();
      rmSync(tokenDir, { recursive: true, force: true });
    }
  });
});
