import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { EVENT_TYPES } from "../../src/core/audit/registry.ts";
import { END, renderEventTable, START, withEventTable } from "../../scripts/gen-event-table.ts";

describe("the event registry and the README", () => {
  test("the registry has at least 30 types, each named domain.verb with a one-line description", () => {
    const entries = Object.entries(EVENT_TYPES);
    expect(entries.length).toBeGreaterThanOrEqual(30);
    for (const [type, description] of entries) {
      expect(type).toMatch(/^[a-z_]+\.[a-z_]+$/);
      expect(description.length).toBeGreaterThan(10);
      expect(description).not.toContain("\n");
    }
  });

  test("README.md's event table is the one generated from the registry (run bun scripts/gen-event-table.ts)", () => {
    const readme = readFileSync(join(import.meta.dir, "..", "..", "README.md"), "utf8");
    expect(readme).toContain(START);
    expect(readme.slice(readme.indexOf(START) + START.length, readme.indexOf(END)).trim()).toBe(renderEventTable());
  });

  test("the generator replaces only what is between the markers, and appends the section when they are missing", () => {
    const fresh = withEventTable("# Title\n\ntext\n");
    expect(fresh).toStartWith("# Title\n\ntext\n\n## Audit event types\n\n<!-- events:start -->");
    const edited = fresh.replace("| `run.started` |", "| `run.begun` |") + "\n## After\n";
    const regenerated = withEventTable(edited);
    expect(regenerated).toBe(fresh + "\n## After\n");
    expect(withEventTable(regenerated)).toBe(regenerated);
  });
});
