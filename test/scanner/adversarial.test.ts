// Every rule and the whole scanner must finish on 64 KB adversarial inputs. Nothing is timed here:
// a catastrophic backtrack or a quadratic loop shows up as the test runner's per-test timeout.
import { describe, expect, test } from "bun:test";
import { scan } from "../../src/scanner/index.ts";
import { RULES } from "../../src/scanner/registry.ts";
import { ADVERSARIAL_INPUTS } from "../../src/scanner/adversarial.ts";

describe("adversarial inputs", () => {
  test("the adversarial set covers long runs and keyword stuffing, each 64 KB", () => {
    expect(ADVERSARIAL_INPUTS.length).toBeGreaterThanOrEqual(12);
    for (const { text } of ADVERSARIAL_INPUTS) expect(text.length).toBe(64 * 1024);
  });

  for (const rule of RULES) {
    test(`rule ${rule.name} completes on every adversarial input`, () => {
      let findings = 0;
      for (const { text } of ADVERSARIAL_INPUTS) rule.find(text, () => findings++);
      expect(findings).toBeGreaterThanOrEqual(0);
    });
  }

  test("the whole scanner completes on every adversarial input with in-range findings", () => {
    for (const { text } of ADVERSARIAL_INPUTS) {
      for (const f of scan(text)) {
        expect(f.start).toBeGreaterThanOrEqual(0);
        expect(f.end).toBeLessThanOrEqual(text.length);
      }
    }
  });
});
