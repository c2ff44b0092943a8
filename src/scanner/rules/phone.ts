// Phone numbers, validated with libphonenumber-js (max metadata), but only for candidates that
// are *formatted* like phone numbers: international `+CC …`, or a North American number with
// consistent separators (`415-555-0132`, `415.555.0132`, `(415) 555-0132`, `1 415 555 0132`).
// Bare digit runs are never candidates: timestamps, ids, durations and token counts are digit runs.
import { parsePhoneNumberFromString } from "libphonenumber-js/max";
import { at, isAlnum, isDigit, type CharTest } from "../chars.ts";
import type { Rule } from "../rule.ts";

const MAX_CANDIDATE = 24;
const isPhoneChar: CharTest = (c) => isDigit(c) || c === 32 || c === 45 || c === 46 || c === 40 || c === 41;
// A candidate must not continue a word, a path, a version, an id or an assignment of digits.
const isBlockedBefore: CharTest = (c) =>
  isAlnum(c) || c === 95 || c === 46 || c === 45 || c === 47 || c === 58 || c === 35 || c === 64 || c === 36 || c === 43;

// North American shapes after the separators are normalised: `(ddd) ddd-dddd` or `[1S]dddSdddSdddd`.
const NANP_SHAPES: readonly RegExp[] = [
  /^\(\d{3}\) ?\d{3}[-. ]\d{4}$/,
  /^(?:1([-. ]))?\d{3}([-. ])\d{3}\2\d{4}$/,
];
// International: E.164 (`+14155550132`) or `+CC` then groups separated by single spaces, dashes or
// dots, optionally with one parenthesised area code. Groups need a separator, so there is one way to
// split the digits and nothing to backtrack over.
const INTERNATIONAL_SHAPES: readonly RegExp[] = [
  /^\+\d{8,15}$/,
  /^\+\d{1,3}(?:[-. ]?\(\d{1,4}\)[-. ]?\d{1,6})?(?:[-. ]\d{1,8}){1,6}$/,
];

/** End of a candidate starting at `start` with trailing separators trimmed, or -1 if it runs on. */
function candidateEnd(text: string, start: number): number {
  let end = start + 1;
  const limit = Math.min(text.length, start + MAX_CANDIDATE + 1);
  while (end < limit && isPhoneChar(text.charCodeAt(end))) end++;
  if (end === start + MAX_CANDIDATE + 1) return -1;
  while (end > start && !isDigit(text.charCodeAt(end - 1))) end--;
  const next = at(text, end);
  const afterNext = at(text, end + 1);
  // "415-555-0132-7", "415.555.0132.1", "555-0132ms" are ids, versions or quantities.
  if (isAlnum(next) || next === 95 || ((next === 46 || next === 45 || next === 58 || next === 47) && isDigit(afterNext))) return -1;
  return end;
}

function isPhone(candidate: string): boolean {
  let digits = 0;
  for (let i = 0; i < candidate.length; i++) if (isDigit(candidate.charCodeAt(i))) digits++;
  if (digits < 8 || digits > 15) return false;
  const international = candidate.charCodeAt(0) === 43;
  if (!(international ? INTERNATIONAL_SHAPES : NANP_SHAPES).some((shape) => shape.test(candidate))) {
    return false;
  }
  return parsePhoneNumberFromString(candidate, international ? undefined : "US")?.isValid() === true;
}

export const phoneRule: Rule = {
  name: "phone",
  kinds: ["phone"],
  mayMatch: (text) => /[+(]\d|\d\d[-. ]\d\d/.test(text),
  find(text, emit) {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      const opens = c === 43 || c === 40 ? isDigit(at(text, i + 1)) : isDigit(c);
      if (!opens || isBlockedBefore(at(text, i - 1))) continue;
      const end = candidateEnd(text, i);
      if (end === -1) continue;
      if (isPhone(text.slice(i, end))) {
        emit("phone", i, end);
        i = end - 1;
      }
    }
  },
};
