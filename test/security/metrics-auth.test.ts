// /metrics names routes, tools and volumes: when enabled it needs the bearer token from a file.
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError, extractFlags, loadConfig } from "../../src/config.ts";
import { createTestApp } from "../support/app.ts";

const dir = mkdtempSync(join(tmpdir(), "railyard-metrics-token-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const TOKEN = "prometheus-scrape-token-7f3a9c";

function file(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

const load = (argv: string[], env: Record<string, string> = {}) => loadConfig(extractFlags(argv).flags, env, dir);

describe("/metrics bearer token", () => {
  test("answers 401 without the token, with another token or another scheme, and the metrics with it", async () => {
    const app = await createTestApp({ metrics: "true", "metrics-token-file": file("token", `${TOKEN}\n`) });
    try {
      for (const authorization of [undefined, `Bearer ${TOKEN}x`, `Bearer ${TOKEN.slice(0, -1)}`, `Basic ${TOKEN}`, `Bearer`, `${TOKEN}`]) {
        const res = await app.request("/metrics", { headers: authorization === undefined ? {} : { authorization } });
        expect(res.status).toBe(401);
        expect(res.headers.get("www-authenticate")).toContain("Bearer");
        const body = await res.text();
        expect(body).toContain('"code":"unauthenticated"');
        expect(body).not.toContain("railyard_");
      }
      const ok = await app.request("/metrics", { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(ok.status).toBe(200);
      expect(await ok.text()).toContain("railyard_http_requests_total");
    } finally {
      await app.dispose();
    }
  });

  test("the token file is read from RAILYARD_METRICS_TOKEN_FILE too", () => {
    const config = load(["--metrics"], { RAILYARD_METRICS_TOKEN_FILE: file("env-token", TOKEN) });
    expect(config.metricsToken).toBe(TOKEN);
  });

  test("without --metrics the token file is not needed and not read", () => {
    expect(load(["--metrics-token-file", join(dir, "absent")]).metricsToken).toBeNull();
  });

  test.each([
    ["--metrics without a token file", () => load(["--metrics"]), /^invalid --metrics: .*--metrics-token-file/],
    ["a missing token file", () => load(["--metrics", "--metrics-token-file", join(dir, "absent")]), /^invalid --metrics-token-file: cannot read .*absent \(ENOENT\)$/],
    ["an empty token file", () => load(["--metrics", "--metrics-token-file", file("empty", "")]), /^invalid --metrics-token-file: .*one line/],
    ["a short token", () => load(["--metrics", "--metrics-token-file", file("short", "abc\n")]), /^invalid --metrics-token-file: .*16 to 4096/],
    ["two lines", () => load(["--metrics", "--metrics-token-file", file("two", `${TOKEN}\n${TOKEN}\n`)]), /^invalid --metrics-token-file: .*one line/],
    ["a token with a space", () => load(["--metrics", "--metrics-token-file", file("space", `${TOKEN} ${TOKEN}`)]), /^invalid --metrics-token-file:/],
  ])("%s is refused with one line naming the setting", (_why, run, message) => {
    expect(run).toThrow(ConfigError);
    try {
      run();
    } catch (error) {
      expect((error as Error).message).toMatch(message);
      expect((error as Error).message).not.toContain("\n");
    }
  });
});
