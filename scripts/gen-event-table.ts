// Writes the README's audit event table from the registry (src/core/audit/registry.ts), between
// the markers below; appends the section under "## Audit event types" when the markers are missing.
// Run: bun scripts/gen-event-table.ts   (a test fails when README.md and the registry differ)
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { EVENT_TYPES } from "../src/core/audit/registry.ts";

export const START = "<!-- events:start -->";
export const END = "<!-- events:end -->";

/** The markdown table of every event type and its description, in registry order. */
export function renderEventTable(): string {
  const rows = Object.entries(EVENT_TYPES).map(([type, description]) => `| \`${type}\` | ${description.replaceAll("|", "\\|")} |`);
  return [`${Object.keys(EVENT_TYPES).length} event types, generated from \`src/core/audit/registry.ts\` by \`bun scripts/gen-event-table.ts\`.`, "", "| type | recorded when |", "| --- | --- |", ...rows].join("\n");
}

/** `readme` with the table between the markers (the section appended at the end if they are missing). */
export function withEventTable(readme: string): string {
  const block = `${START}\n${renderEventTable()}\n${END}`;
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start === -1 || end === -1 || end < start) return `${readme.trimEnd()}\n\n## Audit event types\n\n${block}\n`;
  return readme.slice(0, start) + block + readme.slice(end + END.length);
}

if (import.meta.main) {
  const path = join(import.meta.dir, "..", "README.md");
  const before = readFileSync(path, "utf8");
  const after = withEventTable(before);
  if (after !== before) writeFileSync(path, after);
  console.log(after === before ? "README.md event table is current" : "README.md event table updated");
}
