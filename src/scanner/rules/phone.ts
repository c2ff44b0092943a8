// Phone numbers, validated with libphonenumber-js (max metadata), but only for candidates that
// are *formatted* like phone numbers: international `+CC …`; a North American number with
// consistent separators (`415-555-0132`, `415.555.0132`, `(415) 555-0132`, `1 415 555 0132`); a
// national number with its trunk prefix and separators (`020 7946 0958`, `030 12345678`,
// `01 42 68 53 00`, `03-1234-5678`, `(02) 9876 5432`, `0412 345 678`), valid in one of the
// countries below; an Indian mobile written `98765 43210`; or ten bare digits only right after a
// word such as "phone", "call" or "tel". Other bare digit runs are never candidates: timestamps,
// ids, durations and token counts are digit runs.
import { parsePhoneNumberFromString } from "libphonenumber-js/max";
import { at, isAlnum, isDigit, type CharTest } from "../chars.ts";
import type { Rule } from "../rule.ts";

const MAX_CANDIDATE = 24;
const isPhoneChar: CharTest = (c) => isDigit(c) || c === 32 || c === 45 || c === 46 || c === 40 || c === 41;
// A candidate must not continue a word, a version, an id or an assignment of digits.
const isBlockedBefore: CharTest = (c) => isAlnum(c) || c === 95 || c === 46 || c === 45 || c === 35 || c === 64 || c === 36 || c === 43;

/** True when the candidate at `i` continues something: a word or id, or digits followed by '/' or ':' (dates, times, ratios). */
function blockedAt(text: string, i: number): boolean {
  const before = at(text, i - 1);
  if (before === 47 || before === 58) return isDigit(at(text, i - 2)) || at(text, i - 2) === 47; // "12:…", "1/…", "//…"
  return isBlockedBefore(before);
}

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

// National formats: a trunk prefix 0, then groups with separators; "(0x) …" for an area code.
const NATIONAL_SHAPES: readonly RegExp[] = [
  /^0\d{1,5}(?:[-. ]\d{2,8}){1,4}$/,
  /^\(0\d{1,4}\) ?\d{2,4}(?:[-. ]\d{2,4}){1,3}$/,
];
// Shapes that are something else: SSNs (`037-16-5192`), order and card-like ids (`0738-8549-6510`).
const NOT_NATIONAL: readonly RegExp[] = [/^\d{3}([-. ])\d{2}\1\d{4}$/, /^\d{4}([-.])\d{4}\1\d{4}$/];
const NATIONAL_REGIONS = ["GB", "DE", "FR", "JP", "IN", "AU", "NL", "IT", "ES"] as const;
// An Indian mobile number without its trunk prefix, in the usual 5-5 grouping.
const INDIAN_MOBILE = /^[6-9]\d{4} \d{5}$/;
// Ten bare digits are a US number only when a word says so right before them.
const BARE_US = /^[2-9]\d{9}$/;
const PHONE_WORD = /(?:phone|tel|call|mobile|cell|sms|fax|whatsapp|contact|text|ph\.?)(?: ?(?:no\.?|number|#))?[ :=]{1,3}$/i;

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

function isPhone(text: string, start: number, candidate: string): boolean {
  let digits = 0;
  for (let i = 0; i < candidate.length; i++) if (isDigit(candidate.charCodeAt(i))) digits++;
  if (digits < 8 || digits > 15) return false;
  if (candidate.charCodeAt(0) === 43) {
    return INTERNATIONAL_SHAPES.some((shape) => shape.test(candidate)) && parsePhoneNumberFromString(candidate)?.isValid() === true;
  }
  if (NANP_SHAPES.some((shape) => shape.test(candidate))) return parsePhoneNumberFromString(candidate, "US")?.isValid() === true;
  if (BARE_US.test(candidate)) {
    return PHONE_WORD.test(text.slice(Math.max(0, start - 20), start)) && parsePhoneNumberFromString(candidate, "US")?.isValid() === true;
  }
  if (INDIAN_MOBILE.test(candidate)) return parsePhoneNumberFromString(candidate, "IN")?.isValid() === true;
  if (digits < 9 || digits > 12 || NOT_NATIONAL.some((shape) => shape.test(candidate))) return false;
  if (!NATIONAL_SHAPES.some((shape) => shape.test(candidate))) return false;
  return NATIONAL_REGIONS.some((region) => parsePhoneNumberFromString(candidate, region)?.isValid() === true);
}

export const phoneRule: Rule = {
  name: "phone",
  kinds: ["phone"],
  mayMatch: (text) => /[+(]\d|\d\d[-. ]\d\d|\d{10}/.test(text),
  find(text, emit) {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      const opens = c === 43 || c === 40 ? isDigit(at(text, i + 1)) : isDigit(c);
      if (!opens || blockedAt(text, i)) continue;
      const end = candidateEnd(text, i);
      if (end === -1) continue;
      if (isPhone(text, i, text.slice(i, end))) {
        emit("phone", i, end);
        i = end - 1;
      }
    }
  },
};
