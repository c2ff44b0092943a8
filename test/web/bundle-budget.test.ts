import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildWeb, INITIAL_JS_BUDGET_GZIP_BYTES, staticClosure } from "../../scripts/build-web.ts";

// Built into a temporary directory: the shared generated module other suites import is left alone.
const outdir = mkdtempSync(join(tmpdir(), "railyard-web-"));
afterAll(() => rmSync(outdir, { recursive: true, force: true }));
const built = await buildWeb({ quiet: true, outdir, generate: false });
const read = (file: string) => readFileSync(join(outdir, file), "utf8");

describe("the web bundle", () => {
  test("the initial JavaScript (entry and its static imports) stays within 60 KB gzipped", () => {
    expect(INITIAL_JS_BUDGET_GZIP_BYTES).toBe(60 * 1024);
    expect(built.jsGzipBytes).toBeGreaterThan(1000);
    expect(built.jsGzipBytes).toBeLessThanOrEqual(INITIAL_JS_BUDGET_GZIP_BYTES);
    expect(built.initial[0]).toBe(built.entry);
  });

  test("uPlot and the screens opened now and then are lazy chunks, outside the initial JavaScript", () => {
    const initialText = built.initial.map(read).join("\n");
    // uPlot's own error text and class names are in its chunk only.
    expect(initialText).not.toContain("uplot");
    const chart = built.lazy.filter((f) => read(f).includes("uplot"));
    expect(chart).toHaveLength(1);
    for (const screen of ["audit", "settings", "people", "keys", "runbooks", "projects", "notes", "account"]) {
      expect(built.lazy.some((f) => f.startsWith(`chunk-${screen}-`))).toBe(true);
    }
    expect(built.lazyJsGzipBytes).toBeGreaterThan(built.jsGzipBytes / 2);
  });

  test("every chunk the app imports, statically or lazily, is an emitted file (so the server embeds it)", () => {
    const js = built.files.filter((f) => f.endsWith(".js"));
    const referenced = new Set<string>();
    for (const file of js) for (const m of read(file).matchAll(/["']\.\/([^"']+\.js)["']/g)) referenced.add(m[1]!);
    expect(referenced.size).toBeGreaterThan(5);
    for (const file of referenced) expect(js).toContain(file);
    // Each lazy chunk is reachable from the entry (nothing emitted that nothing loads).
    expect([...built.initial, ...built.lazy].sort()).toEqual(js.sort());
    for (const file of built.lazy) expect(referenced.has(file)).toBe(true);
  });

  test("the static-import walk follows `from \"./x.js\"` and bare imports but not `import(\"./x.js\")`", () => {
    const files: Record<string, string> = {
      "main.js": 'import{a}from"./a.js";import"./b.js";const c=()=>import("./c.js");',
      "a.js": 'import{d}from "./d.js";',
      "b.js": "",
      "c.js": 'import{x}from"./e.js";',
      "d.js": "",
    };
    expect(staticClosure("main.js", (f) => files[f]!).sort()).toEqual(["a.js", "b.js", "d.js", "main.js"]);
  });

  test("emits one hashed entry script and one stylesheet that index.html links (no inline script or style)", () => {
    const js = built.files.filter((f) => /^main-[a-z0-9]+\.js$/.test(f));
    const css = built.files.filter((f) => /^main-[a-z0-9]+\.css$/.test(f));
    expect(js).toEqual([built.entry]);
    expect(css).toHaveLength(1);
    expect(built.files.filter((f) => f.endsWith(".css"))).toEqual(css);
    expect(built.index).toContain(`<script type="module" src="/assets/${js[0]}"></script>`);
    expect(built.index).toContain(`<link rel="stylesheet" href="/assets/${css[0]}">`);
    expect(built.index.match(/<script/g)).toHaveLength(1);
    expect(built.index).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(built.index).not.toMatch(/<style|style=/);
    expect(readdirSync(outdir).sort()).toEqual([...built.files, "index.html"].sort());
  });

  test("loads nothing from another origin: no http(s) URLs to fonts, scripts or stylesheets", () => {
    const css = read(built.files.find((f) => f.endsWith(".css"))!);
    expect(css).not.toMatch(/@import|url\(\s*["']?https?:/);
    expect(css).not.toMatch(/@font-face/);
    expect(built.index).not.toMatch(/https?:\/\//);
    // Chunks are imported by relative path, so they come from /assets/ on the same origin.
    for (const file of built.files.filter((f) => f.endsWith(".js"))) expect(read(file)).not.toMatch(/import\(\s*["']https?:/);
  });
});
