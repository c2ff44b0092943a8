import { describe, expect, test } from "bun:test";
import { bucketUsage } from "../../web/components/usage-chart.tsx";
import { match } from "../../web/router.ts";
import { setupSnippets } from "../../web/screens/keys.tsx";
import { diffLines, phaseLines } from "../../web/screens/runbooks.tsx";

describe("runbook version diff", () => {
  const v1 = [{ name: "plan", gate: null, exit: null }, { name: "test", gate: null, exit: { requires: "passing_test" as const } }, { name: "ship", gate: { minRole: "lead" as const }, exit: null }];
  const v2 = [{ name: "plan", gate: null, exit: null }, { name: "test", gate: null, exit: { requires: "passing_test" as const } }, { name: "security", gate: { minRole: "admin" as const }, exit: null }, { name: "ship", gate: { minRole: "owner" as const }, exit: null }];

  test("describes each phase with its gate and exit evidence", () => {
    expect(phaseLines(v1)).toEqual(["plan", "test  exit: passing_test", "ship  gate: lead+"]);
  });

  test("marks added and removed phases and keeps unchanged ones, removals first", () => {
    expect(diffLines(phaseLines(v1), phaseLines(v2))).toEqual([
      { kind: "same", text: "plan" },
      { kind: "same", text: "test  exit: passing_test" },
      { kind: "del", text: "ship  gate: lead+" },
      { kind: "add", text: "security  gate: admin+" },
      { kind: "add", text: "ship  gate: owner+" },
    ]);
  });

  test("a version compared with itself has no changes", () => {
    expect(diffLines(phaseLines(v2), phaseLines(v2)).every((l) => l.kind === "same")).toBe(true);
  });
});

describe("key set-up snippets", () => {
  const url = "https://railyard.example.test/mcp";
  const key = "ryd_exampleKeyValue";
  const snippets = setupSnippets(url, key);

  test("Claude Code gets the documented `claude mcp add` command with the bearer header", () => {
    expect(snippets.claude).toBe(`claude mcp add --transport http railyard ${url} --header "Authorization: Bearer ${key}"`);
  });

  test("Cursor gets an mcp.json with url and headers", () => {
    expect(JSON.parse(snippets.cursor)).toEqual({ mcpServers: { railyard: { url, headers: { Authorization: `Bearer ${key}` } } } });
  });

  test("VS Code gets a password input instead of the key, so the file holds no secret", () => {
    const config = JSON.parse(snippets.vscode);
    expect(snippets.vscode).not.toContain(key);
    expect(config.inputs).toEqual([{ type: "promptString", id: "railyard-key", description: "Railyard plugin key", password: true }]);
    expect(config.servers.railyard).toEqual({ type: "http", url, headers: { Authorization: "Bearer ${input:railyard-key}" } });
  });
});

describe("router and chart helpers", () => {
  test("matches path patterns and decodes segments; other shapes do not match", () => {
    expect(match("/runs/:id", "/runs/run_abc")).toEqual({ id: "run_abc" });
    expect(match("/projects/:slug", "/projects/a%20b")).toEqual({ slug: "a b" });
    expect(match("/runs/:id", "/runs")).toBeNull();
    expect(match("/runs/:id", "/keys/x")).toBeNull();
  });

  test("buckets usage per day ending now and drops reports outside the window", () => {
    const day = 86_400_000;
    const now = 10 * day;
    const points = bucketUsage([
      { createdAt: now - 1000, inputTokens: 5, outputTokens: 1 },
      { createdAt: now - 2000, inputTokens: 7, outputTokens: 2 },
      { createdAt: now - 2 * day - 5, inputTokens: 100, outputTokens: 10 },
      { createdAt: now - 30 * day, inputTokens: 999, outputTokens: 999 },
    ], day, 3, now);
    expect(points.map((p) => [p.input, p.output])).toEqual([[100, 10], [0, 0], [12, 3]]);
    expect(points[0]!.at).toBe(now - 3 * day);
  });
});
