import { categoryOf, type Finding, type FindingKind } from "./kinds.ts";
import { normalizeForScan } from "./normalize.ts";
import { RULES } from "./registry.ts";
import type { Rule } from "./rule.ts";

// When two findings overlap, the more specific one wins: a provider key, JWT, key block or URL
// credential over a generic assignment, any secret over PII; then the longer span. A `code` finding
// (a block of source, a diff or a prompt) contains whatever it overlaps and wins, so redacting it
// removes the whole block.
function priority(f: Finding): number {
  if (f.category === "code") return 4;
  if (f.kind === "generic_secret") return 2;
  return f.category === "secret" ? 3 : 1;
}

function better(a: Finding, b: Finding): boolean {
  const pa = priority(a);
  const pb = priority(b);
  return pa !== pb ? pa > pb : a.end - a.start > b.end - b.start;
}

/** Sorted, non-overlapping findings: of each overlapping group the most specific survives. */
function resolveOverlaps(found: Finding[]): Finding[] {
  if (found.length < 2) return found;
  found.sort((a, b) => a.start - b.start || b.end - a.end);
  const kept: Finding[] = [];
  for (const f of found) {
    const last = kept[kept.length - 1];
    if (last === undefined || f.start >= last.end) kept.push(f);
    else if (better(f, last)) kept[kept.length - 1] = f;
  }
  return kept;
}

/** Runs the given rules (after their prefilters) over `text`; exported for per-rule tests and benchmarks. */
export function scanWith(rules: readonly Rule[], text: string): Finding[] {
  const found: Finding[] = [];
  const emit = (kind: FindingKind, start: number, end: number) => {
    found.push({ kind, category: categoryOf(kind), start, end });
  };
  for (const rule of rules) {
    if (rule.mayMatch(text)) rule.find(text, emit);
  }
  return resolveOverlaps(found);
}

/**
 * Finds PII, secrets and code in `text`: sorted, non-overlapping findings with UTF-16 offsets into
 * `text`. The rules match the normalised text (look-alike and invisible characters resolved, see
 * normalize.ts); offsets are mapped back, so a finding covers the disguised value in the original.
 * Pure and synchronous.
 */
export function scan(text: string): Finding[] {
  const normalized = normalizeForScan(text);
  const found = scanWith(RULES, normalized.text);
  const { starts, ends } = normalized;
  if (starts === null || ends === null) return found;
  // The map is monotone, so sorted non-overlapping findings stay sorted and non-overlapping.
  return found.map((f) => ({ ...f, start: starts[f.start]!, end: ends[f.end - 1]! }));
}
