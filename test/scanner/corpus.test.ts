// Measures the scanner on the labelled corpus (scripts/gen-scanner-corpus.ts, plus the issue-12
// corpus of ./hardening-corpus.ts: code/diffs/prompts against honest summaries, notes and paths,
// evasions, slipped formats and hard negatives) and prints the per-kind table. Thresholds: recall ≥ 99% for checksum-bearing and prefixed kinds, ≥ 95% for the
// rest; benign lines flagged ≤ 0.5% overall and never on SHAs, UUIDs, semver or timestamps.
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { SCANNER_KINDS, scan } from "../../src/scanner/index.ts";
import { HARDENING_CORPUS, type CorpusLine } from "./hardening-corpus.ts";

const fixture: CorpusLine[] = readFileSync(new URL("../fixtures/scanner-corpus.jsonl", import.meta.url), "utf8")
  .split("\n")
  .filter((l) => l.length > 0)
  .map((l) => JSON.parse(l) as CorpusLine);
const corpus: CorpusLine[] = [...fixture, ...HARDENING_CORPUS];

interface Tally {
  expected: number;
  found: number;
  reported: number;
  falsePositives: number;
}
const tallies = new Map<string, Tally>(SCANNER_KINDS.map((k) => [k.kind, { expected: 0, found: 0, reported: 0, falsePositives: 0 }]));
const benignFlagged = new Map<string, string[]>();
const missed = new Map<string, string[]>();
let benignLines = 0;
// Per tag of the issue-12 corpus: lines, lines whose expected kinds were all found, benign lines flagged.
const byTag = new Map<string, { lines: number; found: number; flagged: number }>();
const hardeningLines = new Set(HARDENING_CORPUS);

for (const line of corpus) {
  const kinds = new Set(scan(line.text).map((f) => f.kind));
  for (const kind of line.expect) {
    const t = tallies.get(kind)!;
    t.expected++;
    if (kinds.has(kind)) t.found++;
    else missed.set(kind, [...(missed.get(kind) ?? []), JSON.stringify(line.text)]);
  }
  for (const kind of kinds) {
    const t = tallies.get(kind)!;
    t.reported++;
    if (!line.expect.includes(kind)) t.falsePositives++;
  }
  if (hardeningLines.has(line)) {
    const t = byTag.get(line.tag) ?? { lines: 0, found: 0, flagged: 0 };
    t.lines++;
    if (line.expect.length > 0 && line.expect.every((k) => kinds.has(k))) t.found++;
    if (line.expect.length === 0 && kinds.size > 0) t.flagged++;
    byTag.set(line.tag, t);
  }
  if (line.expect.length === 0) {
    benignLines++;
    if (kinds.size > 0) {
      const list = benignFlagged.get(line.tag) ?? [];
      list.push(`${[...kinds].join(",")}: ${JSON.stringify(line.text)}`);
      benignFlagged.set(line.tag, list);
    }
  }
}

const pct = (n: number, d: number) => (d === 0 ? "   n/a" : `${((100 * n) / d).toFixed(1).padStart(5)}%`);
const rows = SCANNER_KINDS.map(({ kind, validation }) => {
  const t = tallies.get(kind)!;
  return `${kind.padEnd(20)} ${validation.padEnd(9)} ${String(t.expected).padStart(5)} ${pct(t.found, t.expected)} ${pct(t.reported - t.falsePositives, t.reported)} ${String(t.falsePositives).padStart(4)}`;
});
const flaggedCount = [...benignFlagged.values()].reduce((n, l) => n + l.length, 0);
console.log(
  [
    `scanner corpus: ${corpus.length} lines, ${corpus.length - benignLines} positive, ${benignLines} benign`,
    `${"kind".padEnd(20)} ${"check".padEnd(9)} ${"n".padStart(5)} recall precision  FP`,
    ...rows,
    `benign lines flagged: ${flaggedCount}/${benignLines} (${pct(flaggedCount, benignLines).trim()})`,
    `issue-12 corpus (${HARDENING_CORPUS.length} lines), per tag: lines, recall (positives) or flagged (benign)`,
    ...[...byTag.entries()].map(([tag, t]) => `  ${tag.padEnd(14)} ${String(t.lines).padStart(5)}  ${t.found > 0 || t.flagged === 0 && HARDENING_CORPUS.some((l) => l.tag === tag && l.expect.length > 0) ? `recall ${pct(t.found, t.lines)}` : `flagged ${t.flagged} (${pct(t.flagged, t.lines).trim()})`}`),
    ...[...benignFlagged.entries()].flatMap(([tag, l]) => l.slice(0, 5).map((s) => `  flagged [${tag}] ${s}`)),
    ...[...missed.entries()].flatMap(([kind, l]) => l.slice(0, 5).map((s) => `  missed [${kind}] ${s}`)),
  ].join("\n"),
);

describe("scanner corpus", () => {
  test("the corpus has at least 2,000 positives across every kind and 5,000 benign lines", () => {
    expect(corpus.length - benignLines).toBeGreaterThanOrEqual(2000);
    expect(benignLines).toBeGreaterThanOrEqual(5000);
    for (const { kind } of SCANNER_KINDS) expect({ kind, expected: tallies.get(kind)!.expected >= 30 }).toEqual({ kind, expected: true });
  });

  test("recall is at least 99% for checksum and prefix kinds and 95% for the rest", () => {
    const below = SCANNER_KINDS.filter(({ kind, validation }) => {
      const t = tallies.get(kind)!;
      const floor = validation === "checksum" || validation === "prefix" ? 0.99 : 0.95;
      return t.found / t.expected < floor;
    }).map((k) => k.kind);
    expect(below).toEqual([]);
  });

  test("at most 0.5% of benign lines are flagged", () => {
    expect(flaggedCount / benignLines).toBeLessThanOrEqual(0.005);
  });

  test("rule 2: code, diffs, fences and prompts are found (recall ≥ 95%) and honest summaries, notes and paths pass (≤ 0.5% flagged)", () => {
    const positives = ["code", "diff", "fence", "prompt"].map((tag) => byTag.get(tag)!);
    const found = positives.reduce((n, t) => n + t.found, 0);
    const total = positives.reduce((n, t) => n + t.lines, 0);
    expect(total).toBeGreaterThanOrEqual(100);
    expect(found / total).toBeGreaterThanOrEqual(0.95);
    const honest = ["honest", "path"].map((tag) => byTag.get(tag)!);
    expect(honest.reduce((n, t) => n + t.lines, 0)).toBeGreaterThanOrEqual(1000);
    expect(honest.reduce((n, t) => n + t.flagged, 0) / honest.reduce((n, t) => n + t.lines, 0)).toBeLessThanOrEqual(0.005);
  });

  test("evasions, slipped formats and bare key bodies are all found, and no hard negative is flagged", () => {
    for (const tag of ["evasion", "format", "key-body"]) expect({ tag, ...byTag.get(tag)! }).toEqual({ tag, lines: byTag.get(tag)!.lines, found: byTag.get(tag)!.lines, flagged: 0 });
    expect(byTag.get("hard-negative")!.flagged).toBe(0);
  });

  test("no git SHA, UUID, semver or timestamp line is flagged", () => {
    for (const tag of ["sha", "uuid", "semver", "timestamp"]) expect({ tag, flagged: benignFlagged.get(tag) ?? [] }).toEqual({ tag, flagged: [] });
  });

  test("every kind keeps its precision on the corpus at 99% or better", () => {
    const low = SCANNER_KINDS.filter(({ kind }) => {
      const t = tallies.get(kind)!;
      return t.reported > 0 && (t.reported - t.falsePositives) / t.reported < 0.99;
    }).map((k) => k.kind);
    expect(low).toEqual([]);
  });
});
