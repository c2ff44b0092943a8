// Enforces the module boundaries of ARCHITECTURE.md and rule 4 (no shell) by reading the source.
import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";

const root = join(import.meta.dir, "..");

function sourceFiles(dir: string): string[] {
  return readdirSync(join(root, dir), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && /\.(ts|tsx)$/.test(e.name))
    .map((e) => relative(root, join(e.parentPath, e.name)))
    .filter((f) => !f.endsWith(".generated.ts"));
}

interface Import {
  file: string;
  specifier: string;
  typeOnly: boolean;
}

/** Every import/export-from/dynamic import in a file, with whether it is type-only. */
export function importsOf(file: string, text: string): Import[] {
  const out: Import[] = [];
  const stat = /(?:^|\n)\s*(import|export)\s+(type\s+)?(?:[\w*{}\s,$]+?\s+from\s+)?["']([^"']+)["']/g;
  for (const m of text.matchAll(stat)) out.push({ file, specifier: m[3]!, typeOnly: Boolean(m[2]) });
  for (const m of text.matchAll(/\bimport\(\s*["']([^"']+)["']\s*\)/g)) out.push({ file, specifier: m[1]!, typeOnly: false });
  for (const m of text.matchAll(/\brequire\(\s*["']([^"']+)["']\s*\)/g)) out.push({ file, specifier: m[1]!, typeOnly: false });
  return out;
}

const files = sourceFiles("src");
const all = files.flatMap((f) => importsOf(f, readFileSync(join(root, f), "utf8")));
const layer = (f: string) => f.split("/")[1]!;
const resolvesInto = (imp: Import, dir: string) =>
  imp.specifier.startsWith(".") && join(imp.file, "..", imp.specifier).startsWith(`src/${dir}`);
const isPkg = (imp: Import, name: string) => imp.specifier === name || imp.specifier.startsWith(`${name}/`);

function violations(predicate: (imp: Import) => boolean): string[] {
  return all.filter(predicate).map((i) => `${i.file} imports ${i.specifier}`);
}

describe("module boundaries", async () => {
  test("the import reader sees static, type-only and dynamic imports", async () => {
    const found = importsOf("src/x.ts", 'import a from "./a.ts";\nimport type { B } from "../b.ts";\nexport * from "./c.ts";\nconst d = await import("./d.ts");');
    expect(found.map((i) => [i.specifier, i.typeOnly])).toEqual([["./a.ts", false], ["../b.ts", true], ["./c.ts", false], ["./d.ts", false]]);
  });

  test("lib imports nothing from the rest of src", () => {
    expect(violations((i) => layer(i.file) === "lib" && i.specifier.startsWith(".") && !resolvesInto(i, "lib"))).toEqual([]);
  });

  test("the scanner imports only lib (and its phone-number library)", () => {
    expect(violations((i) => layer(i.file) === "scanner" && i.specifier.startsWith(".") && !resolvesInto(i, "scanner") && !resolvesInto(i, "lib"))).toEqual([]);
    expect(violations((i) => layer(i.file) === "scanner" && !i.specifier.startsWith(".") && !isPkg(i, "libphonenumber-js"))).toEqual([]);
  });

  test("core never imports elysia, the MCP SDK or bun:sqlite, nor the http or mcp adapters", () => {
    expect(violations((i) => layer(i.file) === "core" && (isPkg(i, "elysia") || i.specifier.startsWith("@modelcontextprotocol") || i.specifier === "bun:sqlite"))).toEqual([]);
    expect(violations((i) => layer(i.file) === "core" && (resolvesInto(i, "http") || resolvesInto(i, "mcp") || resolvesInto(i, "cli")))).toEqual([]);
  });

  test("only db imports bun:sqlite and drizzle-orm", () => {
    expect(violations((i) => i.specifier === "bun:sqlite" && layer(i.file) !== "db")).toEqual([]);
    expect(violations((i) => isPkg(i, "drizzle-orm") && layer(i.file) !== "db")).toEqual([]);
  });

  test("core is driver-free: no drizzle-orm, no node:fs, nothing from db (the Store port in core/store.ts is all it sees)", () => {
    expect(violations((i) => layer(i.file) === "core" && (isPkg(i, "drizzle-orm") || i.specifier === "node:fs" || i.specifier === "node:fs/promises" || i.specifier === "fs" || resolvesInto(i, "db")))).toEqual([]);
  });

  test("no module-level mutable maps in core, http or mcp (stateful services are built in app.ts and passed in)", () => {
    const offenders = files.filter((f) => ["core", "http", "mcp"].includes(layer(f))).flatMap((f) =>
      readFileSync(join(root, f), "utf8").split("\n")
        .filter((line) => /^(?:export\s+)?(?:const|let|var)\s+\w+(?:\s*:\s*([^=]+))?=\s*new\s+(?:Weak)?Map\b/.test(line) && !/:\s*Readonly(?:Map)</.test(line))
        .map((line) => `${f}: ${line.trim().slice(0, 80)}`));
    expect(offenders).toEqual([]);
  });

  test("only http imports elysia and only mcp imports the MCP SDK; they do not import each other", () => {
    expect(violations((i) => isPkg(i, "elysia") && layer(i.file) !== "http")).toEqual([]);
    expect(violations((i) => i.specifier.startsWith("@modelcontextprotocol") && layer(i.file) !== "mcp")).toEqual([]);
    expect(violations((i) => layer(i.file) === "http" && resolvesInto(i, "mcp"))).toEqual([]);
    expect(violations((i) => layer(i.file) === "mcp" && resolvesInto(i, "http"))).toEqual([]);
  });

  test("only main, cli and app construct the application (nothing else imports them)", () => {
    expect(violations((i) => !["cli", "main.ts", "app.ts"].includes(layer(i.file)) && (resolvesInto(i, "cli") || resolvesInto(i, "app.ts") || resolvesInto(i, "main.ts")))).toEqual([]);
  });

  test("the web app imports only types from src", () => {
    const web = sourceFiles("web").flatMap((f) => importsOf(f, readFileSync(join(root, f), "utf8")));
    const bad = web.filter((i) => i.specifier.startsWith(".") && join(i.file, "..", i.specifier).startsWith("src/") && !i.typeOnly);
    expect(bad.map((i) => `${i.file} imports ${i.specifier}`)).toEqual([]);
  });

  test("no top-level await in src (keeps --bytecode compilation possible)", () => {
    const offenders = files.filter((f) => /^(?:export\s+)?(?:const|let|var)?[^\n]*?\bawait\b/m.test(
      readFileSync(join(root, f), "utf8").split("\n").filter((line) => !/^\s/.test(line) && !line.startsWith("//") && !line.startsWith("}")).join("\n"),
    ));
    expect(offenders).toEqual([]);
  });

  test("no console output outside the command-line layer (the logger redacts; console does not)", () => {
    const offenders = files.filter((f) => layer(f) !== "cli" && /\bconsole\.(log|error|warn|info|debug)\(/.test(readFileSync(join(root, f), "utf8")));
    expect(offenders).toEqual([]);
  });
});

describe("rule 4: processes start with explicit argument arrays, never a shell", () => {
  const patterns: [string, RegExp][] = [
    ["Bun.$ template shell", /\bBun\.\$|import\s*\{[^}]*\$[^}]*\}\s*from\s*["']bun["']/],
    ["child_process", /["'](node:)?child_process["']/],
    ["exec/execSync", /(?<![.\w])exec(Sync|File|FileSync)?\s*\(/],
    ["a shell with -c", /["'](sh|bash|zsh|cmd|powershell|\/bin\/sh|\/bin\/bash)["']\s*,\s*["'](-c|\/c)["']/],
    ["shell: true", /shell\s*:\s*true/],
    ["spawn with a command string", /Bun\.spawn(Sync)?\(\s*["'`]/],
  ];
  test("the scanner of this rule recognises each forbidden form", () => {
    const samples = ["Bun.$`ls ${dir}`", 'import { $ } from "bun"', 'import { exec } from "node:child_process"', "execSync(cmd)", 'Bun.spawn(["sh", "-c", cmd])', "{ shell: true }", 'Bun.spawn("ls -la")'];
    for (const sample of samples) expect(patterns.some(([, re]) => re.test(sample))).toBe(true);
    // Look-alikes that are not shells: RegExp#exec and template literals ending in `$`.
    for (const benign of ["/x/.exec(text)", "new RegExp(`^${p}$`)"]) expect(patterns.some(([, re]) => re.test(benign))).toBe(false);
  });
  test("no file in src uses a shell", () => {
    const offenders: string[] = [];
    for (const f of files) {
      const text = readFileSync(join(root, f), "utf8");
      for (const [name, re] of patterns) if (re.test(text)) offenders.push(`${f}: ${name}`);
    }
    expect(offenders).toEqual([]);
  });
});
