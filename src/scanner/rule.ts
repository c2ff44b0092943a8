import type { FindingKind } from "./kinds.ts";

/** Reports one match: `[start, end)` in UTF-16 offsets of the scanned text. */
export type Emit = (kind: FindingKind, start: number, end: number) => void;

/**
 * One detector. `mayMatch` is the prefilter: a keyword or character test that is much cheaper
 * than `find` and never wrong in the negative direction (if it says no, `find` would find nothing).
 * `find` must run in time linear in the text: hand-written scans or regexes with bounded quantifiers.
 */
export interface Rule {
  readonly name: string;
  readonly kinds: readonly FindingKind[];
  mayMatch(text: string): boolean;
  find(text: string, emit: Emit): void;
}
