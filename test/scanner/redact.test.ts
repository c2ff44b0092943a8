import { describe, expect, test } from "bun:test";
import { redact, scan, SCANNER_KINDS, type Finding } from "../../src/scanner/index.ts";
import { crcToken } from "./helpers.ts";

describe("redact", () => {
  test("replaces each finding with [REDACTED:kind] and keeps the surrounding text", () => {
    const text = `mail ann@example.com, token ${crcToken("ghp_")}, host 10.1.2.3:22`;
    expect(redact(text, scan(text))).toBe("mail [REDACTED:email], token [REDACTED:github_token], host [REDACTED:ipv4]:22");
  });

  test("keeps the assignment name and URL host readable", () => {
    const text = "DB_PASSWORD=Xk9mP2vL8qRt url=postgres://app:Xk9mP2vL8q@db:5432/app";
    expect(redact(text, scan(text))).toBe("DB_PASSWORD=[REDACTED:generic_secret] url=postgres://[REDACTED:url_credentials]@db:5432/app");
  });

  test("returns the text unchanged when there are no findings", () => {
    expect(redact("all 42 tests passed", [])).toBe("all 42 tests passed");
  });

  test("handles unsorted, overlapping and out-of-range findings without leaking the matched text", () => {
    const text = "abc SECRETVALUE xyz";
    const findings: Finding[] = [
      { kind: "generic_secret", category: "secret", start: 8, end: 15 },
      { kind: "jwt", category: "secret", start: 4, end: 12 },
      { kind: "email", category: "pii", start: 17, end: 99 },
    ];
    const out = redact(text, findings);
    expect(out).toBe("abc [REDACTED:jwt][REDACTED:generic_secret] x[REDACTED:email]");
    expect(out).not.toContain("SECRET");
  });
});

describe("scan results", () => {
  test("findings are sorted, non-overlapping, and carry the category of their kind", () => {
    const text = `a@example.com https://u:Zq8mK2pX9rT4@h.example.com ${crcToken("npm_")} 123-45-6789`;
    const findings = scan(text);
    expect(findings.map((f) => f.kind)).toEqual(["email", "url_credentials", "npm_token", "us_ssn"]);
    for (let i = 1; i < findings.length; i++) expect(findings[i]!.start).toBeGreaterThanOrEqual(findings[i - 1]!.end);
    for (const f of findings) expect(f.category).toBe(SCANNER_KINDS.find((k) => k.kind === f.kind)!.category);
  });

  test("the empty string and plain metadata have no findings", () => {
    expect(scan("")).toEqual([]);
    expect(scan("phase build → test; 142 passed in 3.2s; branch feature/RY-12-login")).toEqual([]);
  });

  test("every kind is listed once with a pii, secret or code category, and code is the one rule-2 kind", () => {
    const kinds = SCANNER_KINDS.map((k) => k.kind);
    expect(new Set(kinds).size).toBe(kinds.length);
    for (const k of SCANNER_KINDS) expect(["pii", "secret", "code"]).toContain(k.category);
    expect(SCANNER_KINDS.filter((k) => k.category === "code").map((k) => k.kind)).toEqual(["code"]);
  });
});
