// The README is a newcomer's guide; these facts in it must not drift from the code.
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { SETTINGS, envName } from "../src/config.ts";
import { CATALOGUE_SHA256 } from "../src/mcp/catalogue.ts";
import pkg from "../package.json" with { type: "json" };

const readme = readFileSync(join(import.meta.dir, "..", "README.md"), "utf8");

describe("README", () => {
  test("starts with the two commands: npm install then npm start, and npm test", () => {
    const firstCode = readme.slice(readme.indexOf("```sh"), readme.indexOf("```", readme.indexOf("```sh") + 5));
    expect(firstCode.indexOf("npm install")).toBeGreaterThan(-1);
    expect(firstCode.indexOf("npm start")).toBeGreaterThan(firstCode.indexOf("npm install"));
    expect(firstCode).toContain("npm test");
  });

  test("prints the tool catalogue's current SHA-256", () => {
    const block = /<!-- catalogue:start -->\s*`([0-9a-f]{64})`\s*<!-- catalogue:end -->/.exec(readme);
    expect(block?.[1]).toBe(CATALOGUE_SHA256);
  });

  test("documents every setting with its flag and environment variable", () => {
    for (const setting of Object.values(SETTINGS)) {
      expect(readme).toContain(`\`--${setting.flag}\``);
      expect(readme).toContain(envName(setting.flag));
    }
  });

  test("explains every runtime dependency in the dependency table", () => {
    for (const name of Object.keys(pkg.dependencies)) expect(readme).toContain(`| \`${name}\` |`);
  });

  test("shows the set-up for Claude Code, Cursor and VS Code", () => {
    expect(readme).toContain("claude mcp add --transport http railyard");
    expect(readme).toContain('"mcpServers"');
    expect(readme).toContain('"promptString"');
  });
});
