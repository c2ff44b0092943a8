import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildWeb } from "../../scripts/build-web.ts";

const BUDGET_GZIP_BYTES = 150 * 1024;
// Built into a temporary directory: the shared generated module other suites import is left alone.
const outdir = mkdtempSync(join(tmpdir(), "railyard-web-"));
afterAll(() => rmSync(outdir, { recursive: true, force: true }));
const built = await buildWeb({ quiet: true, outdir, generate: false });

describe("the web bundle", () => {
  test("initial JavaScript stays within 150 KB gzipped", () => {
    expect(built.jsGzipBytes).toBeGreaterThan(1000);
    expect(built.jsGzipBytes).toBeLessThanOrEqual(BUDGET_GZIP_BYTES);
  });

  test("emits hashed JavaScript and CSS that index.html links (no inline script or style)", () => {
    const js = built.files.filter((f) => /^main-[a-z0-9]+\.js$/.test(f));
    const css = built.files.filter((f) => /^main-[a-z0-9]+\.css$/.test(f));
    expect(js).toHaveLength(1);
    expect(css).toHaveLength(1);
    expect(built.index).toContain(`<script type="module" src="/assets/${js[0]}"></script>`);
    expect(built.index).toContain(`<link rel="stylesheet" href="/assets/${css[0]}">`);
    expect(built.index).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(built.index).not.toMatch(/<style|style=/);
    expect(readdirSync(outdir).sort()).toEqual([...built.files, "index.html"].sort());
  });

  test("loads nothing from another origin: no http(s) URLs to fonts, scripts or stylesheets", () => {
    const css = readFileSync(join(outdir, built.files.find((f) => f.endsWith(".css"))!), "utf8");
    expect(css).not.toMatch(/@import|url\(\s*["']?https?:/);
    expect(css).not.toMatch(/@font-face/);
    expect(built.index).not.toMatch(/https?:\/\//);
  });
});
