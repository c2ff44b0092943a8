import { describe, expect, test } from "bun:test";
import { compileGlob, globMatches, globProblem } from "../../../src/core/scope/glob.ts";

const cases: [glob: string, path: string, expected: boolean][] = [
  // `*` stays within a segment; `**` crosses segments.
  ["src/*.ts", "src/a.ts", true],
  ["src/*.ts", "src/deep/a.ts", false],
  ["src/**/*.ts", "src/a.ts", true],
  ["src/**/*.ts", "src/x/y/z/a.ts", true],
  ["src/**/*.ts", "src/x/y/z/a.tsx", false],
  ["**/fixtures/**", "fixtures/a.json", true],
  ["**/fixtures/**", "a/b/fixtures/c/d.json", true],
  ["a/**/b/**/c", "a/b/c", true],
  ["a/**/b/**/c", "a/x/b/y/z/c", true],
  ["a/**/b/**/c", "a/x/y/c", false],
  // Similar prefixes must not match each other.
  ["src/bill", "src/billing/x.ts", false],
  ["src/bill/**", "src/billing/x.ts", false],
  ["src/billing", "src/billing/x.ts", true],
  ["src/billing/**", "src/billing", true],
  ["src/billing/**", "src/billing-old/x.ts", false],
  // Unanchored (no inner slash) globs match at any depth; a leading slash anchors.
  ["*.lock", "package.lock", true],
  ["*.lock", "deep/dir/yarn.lock", true],
  ["/*.lock", "deep/yarn.lock", false],
  ["/*.lock", "yarn.lock", true],
  ["generated", "a/generated/b.ts", true],
  ["/generated", "a/generated/b.ts", false],
  // Trailing slash: directories only (and everything in them).
  ["build/", "build/out.js", true],
  ["build/", "pkg/build/out.js", true],
  ["build/", "build", false],
  ["/vendor/", "vendor/lib/x.go", true],
  // Dotfiles are matched by `*`, as in .gitignore.
  ["*", ".env", true],
  [".env*", ".env.local", true],
  ["src/*", "src/.hidden", true],
  ["**/.github/**", ".github/workflows/ci.yml", true],
  // `?` is one character (code point), classes and negation.
  ["file?.ts", "file1.ts", true],
  ["file?.ts", "file10.ts", false],
  ["caf?.md", "café.md", true],
  ["log[0-9].txt", "log7.txt", true],
  ["log[0-9].txt", "logx.txt", false],
  ["log[!0-9].txt", "logx.txt", true],
  ["log[^0-9].txt", "log1.txt", false],
  ["[]]x", "]x", true],
  // Case-sensitive.
  ["README.md", "readme.md", false],
  ["src/Billing/**", "src/billing/a.ts", false],
  // Spaces and unicode are ordinary characters; escapes make specials literal.
  ["docs/my notes/*.md", "docs/my notes/a b.md", true],
  ["données/**", "données/été/x.csv", true],
  ["a\\*b", "a*b", true],
  ["a\\*b", "axb", false],
];

describe("glob matching", () => {
  for (const [glob, path, expected] of cases) {
    test(`${glob} ${expected ? "matches" : "does not match"} ${path}`, () => {
      expect(globMatches(glob, path)).toBe(expected);
    });
  }

  test("a compiled glob can be reused across many paths with the same answers", () => {
    const g = compileGlob("src/**/test/*.ts");
    expect(["src/test/a.ts", "src/a/b/test/c.ts", "src/test/a.js", "lib/test/a.ts"].map((p) => g.match(p))).toEqual([true, true, false, false]);
  });

  test("pathological globs finish (no exponential backtracking)", () => {
    const glob = "**/a/**/a/**/a/**/a/**/a/**/b";
    const path = Array.from({ length: 200 }, () => "a").join("/");
    expect(globMatches(glob, path)).toBe(false);
    const star = "*a*a*a*a*a*a*a*a*b";
    expect(globMatches(star, "a".repeat(500))).toBe(false);
  });

  test("invalid globs are refused with a reason", () => {
    expect(globProblem("")).toContain("empty");
    expect(globProblem("src//x")).toContain("empty segments");
    expect(globProblem("../etc/**")).toContain("..");
    expect(globProblem("log[0-9.txt")).toContain("not closed");
    expect(globProblem("a\\")).toContain("backslash");
    expect(globProblem("x".repeat(513))).toContain("512");
    expect(globProblem("src/**/*.ts")).toBeNull();
  });
});
