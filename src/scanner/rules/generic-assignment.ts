// Generic secrets: a value assigned to a secret-sounding name — `password=…`, `DB_PASSWORD: …`,
// `"apiKey": "…"`, `client_secret=…`, `Authorization: Bearer …` — when the value is not a
// placeholder and looks random enough (entropy and character-class thresholds). The finding covers
// the value only, so `password=[REDACTED:generic_secret]` stays readable.
import { at, isAlnum, isSpace, type CharTest } from "../chars.ts";
import { charClassCount, isPlaceholder, shannonEntropy } from "../checks.ts";
import type { Rule } from "../rule.ts";

const MAX_NAME = 48;
const MAX_VALUE = 512;
const MIN_VALUE = 8;
// Names are compared lowercased with separators removed: "DB_PASSWORD" → "dbpassword".
const NAME_SUFFIXES = [
  "password", "passwd", "passphrase", "pwd", "secret", "token", "apikey", "accesskey", "secretkey",
  "privatekey", "authkey", "signingkey", "masterkey", "encryptionkey", "credential", "credentials",
  "authorization", "bearer", "accesstoken", "sessionkey",
];
// Short names that only count as the whole last segment ("DB_PASS", "auth") — "compass" is not one.
const NAME_SEGMENTS = ["pass", "pw", "auth"];
const AUTH_SCHEMES = ["bearer ", "basic ", "token "];

const isNameChar: CharTest = (c) => isAlnum(c) || c === 95 || c === 45 || c === 46;
// The same test as a table read, for the loop that reads names back from each operator.
const NAME_CHARS = (() => {
  const table = new Uint8Array(128);
  for (let c = 0; c < 128; c++) table[c] = isNameChar(c) ? 1 : 0;
  return table;
})();
const isNameCode: CharTest = (c) => c < 128 && NAME_CHARS[c] === 1;
const isQuote: CharTest = (c) => c === 34 || c === 39 || c === 96;
// Unquoted values end at whitespace, quotes and the punctuation that separates fields.
const endsUnquoted: CharTest = (c) =>
  isSpace(c) || isQuote(c) || c === 44 || c === 59 || c === 38 || c === 41 || c === 93 || c === 125 || c === 62 || c === 60 || c === 124;

const isSeparator: CharTest = (c) => c === 95 || c === 45 || c === 46;

/** True when text[i, i + lower.length) equals the lowercase ASCII letters `lower` in any case, within `to`. */
function matchesLower(text: string, i: number, to: number, lower: string): boolean {
  if (i + lower.length > to) return false;
  // `| 32` lowercases an ASCII letter and maps nothing else onto one (digits already have the bit).
  for (let k = 0; k < lower.length; k++) if ((text.charCodeAt(i + k) | 32) !== lower.charCodeAt(k)) return false;
  return true;
}

/** True when the name in [start, end), lowercased with its separators dropped, ends with `suffix`. */
function squashedEndsWith(text: string, start: number, end: number, suffix: string): boolean {
  let j = end;
  for (let k = suffix.length - 1; k >= 0; k--) {
    let c: number;
    do {
      if (j <= start) return false;
      c = text.charCodeAt(--j);
    } while (isSeparator(c));
    if ((c | 32) !== suffix.charCodeAt(k)) return false;
  }
  return true;
}

/** Whether the name in text[start, end) sounds like a secret; reads the name in place, without copying it. */
function isSecretName(text: string, start: number, end: number): boolean {
  let segment = end;
  while (segment > start && !isSeparator(text.charCodeAt(segment - 1))) segment--;
  for (const word of NAME_SEGMENTS) if (end - segment === word.length && matchesLower(text, segment, end, word)) return true;
  for (const suffix of NAME_SUFFIXES) if (squashedEndsWith(text, start, end, suffix)) return true;
  return false;
}

/** Entropy needed for a value of this length: 3 bits/char, relaxed for short values that cannot reach it. */
function entropyThreshold(length: number): number {
  return Math.min(3.0, 0.8 * Math.log2(length));
}

function looksSecret(value: string): boolean {
  // Cheapest tests first (all must hold, so the order does not change the answer).
  if (value.length < MIN_VALUE || value.length > MAX_VALUE || charClassCount(value) < 2) return false;
  // Paths, URLs and plain numbers are configuration, not credentials.
  const first = value.charCodeAt(0);
  if (first === 47 || first === 126 || value.startsWith("./") || /^[a-z][a-z0-9+.-]*:\/\//i.test(value)) return false;
  if (/^[\d.,:_-]+$/.test(value)) return false;
  return !isPlaceholder(value) && shannonEntropy(value) >= entropyThreshold(value.length);
}

const isSpaceOrQuote: CharTest = (c) => isSpace(c) || isQuote(c);

/**
 * The operator for an '=' or ':' at `o` that follows a name (`"name": v`, `name = v`, `name := v`):
 * `o` itself, `o + 1` for ":=", or -1 for "==", "://" and "::".
 */
function operatorAt(text: string, o: number): number {
  const next = at(text, o + 1);
  if (text.charCodeAt(o) === 61) return next === 61 ? -1 : o; // "==" is a comparison
  if (next === 47 || next === 58) return -1; // "://" is a URL, "::" a path
  return next === 61 ? o + 1 : o; // ":="
}

/** The end of the name that the operator character at `o` follows (over at most 3 spaces or quotes), or -1. */
function nameEndBefore(text: string, o: number): number {
  let i = o;
  while (i > 0 && o - i <= 3 && isSpaceOrQuote(text.charCodeAt(i - 1))) i--;
  return o - i <= 3 && i > 0 && isNameCode(text.charCodeAt(i - 1)) ? i : -1;
}

/** True when a keyword (pw, pass, secret, token, key, auth, cred, bearer; any case) starts at `i` and ends by `to`. */
function keywordAt(text: string, i: number, to: number): boolean {
  switch (text.charCodeAt(i) | 32) {
    case 112: // p: pw, pass
      return (i + 1 < to && (text.charCodeAt(i + 1) | 32) === 119) || matchesLower(text, i + 1, to, "ass");
    case 115:
      return matchesLower(text, i + 1, to, "ecret");
    case 116:
      return matchesLower(text, i + 1, to, "oken");
    case 107:
      return matchesLower(text, i + 1, to, "ey");
    case 97:
      return matchesLower(text, i + 1, to, "uth");
    case 99:
      return matchesLower(text, i + 1, to, "red");
    case 98:
      return matchesLower(text, i + 1, to, "earer");
    default:
      return false;
  }
}

/** The value after the operator at `op`: [start, end), or null. */
function valueAfter(text: string, op: number): [number, number] | null {
  let i = op + 1;
  if (at(text, i) === 62 || at(text, i) === 61) i++; // "=>", "=="
  for (let k = 0; k < 3 && isSpace(at(text, i)) && at(text, i) !== 10; k++) i++;
  // Every scheme starts with 'b' or 't'; only then is the lowercased copy worth making.
  const first = at(text, i) | 32;
  for (const scheme of first === 98 || first === 116 ? AUTH_SCHEMES : []) {
    if (text.length - i > scheme.length && text.slice(i, i + scheme.length).toLowerCase() === scheme) {
      i += scheme.length;
      break;
    }
  }
  const quote = at(text, i);
  if (isQuote(quote)) {
    const start = i + 1;
    let end = start;
    while (end < text.length && end - start <= MAX_VALUE && text.charCodeAt(end) !== quote && text.charCodeAt(end) !== 10) end++;
    return at(text, end) === quote ? [start, end] : null;
  }
  let end = i;
  while (end < text.length && end - i <= MAX_VALUE && !endsUnquoted(text.charCodeAt(end))) end++;
  // A sentence-ending period or colon belongs to the prose.
  while (end > i && (at(text, end - 1) === 46 || at(text, end - 1) === 58)) end--;
  return [i, end];
}

export const genericAssignmentRule: Rule = {
  name: "generic_secret",
  kinds: ["generic_secret"],
  // Every assignment has an operator.
  mayMatch: (text) => text.includes("=") || text.includes(":"),
  find(text, emit) {
    // Driven by the operators, found with indexOf, rather than by keywords: operators are rarer in
    // metadata than the keywords' letters, and each is checked by reading back over its name only.
    // This reports exactly what a left-to-right scan from keyword to keyword would: a name counts
    // when it contains a keyword at or after `consumed`, the end of the last value read (a keyword
    // inside a value, even an over-long one, does not start a new name).
    let consumed = 0;
    let eq = text.indexOf("=");
    let colon = text.indexOf(":");
    while (eq !== -1 || colon !== -1) {
      let o: number;
      if (colon === -1 || (eq !== -1 && eq < colon)) {
        o = eq;
        eq = text.indexOf("=", o + 1);
      } else {
        o = colon;
        colon = text.indexOf(":", o + 1);
      }
      if (o < consumed) continue;
      const op = operatorAt(text, o);
      if (op === -1) continue;
      const nameEnd = nameEndBefore(text, o);
      if (nameEnd === -1) continue;
      // Read the name backwards (at most MAX_NAME + 1 characters), noting whether a keyword starts in it.
      const limit = Math.max(0, nameEnd - MAX_NAME - 1);
      let nameStart = nameEnd;
      let keyword = false;
      while (nameStart > limit && isNameCode(text.charCodeAt(nameStart - 1))) {
        nameStart--;
        if (!keyword && nameStart >= consumed) keyword = keywordAt(text, nameStart, nameEnd);
      }
      if (!keyword || nameEnd - nameStart > MAX_NAME) continue;
      if (!isSecretName(text, nameStart, nameEnd)) continue;
      const value = valueAfter(text, op);
      if (value === null) continue;
      const [start, end] = value;
      // Skip past the value either way: an over-long value is not re-read from every keyword inside it.
      consumed = end;
      if (end - start > MAX_VALUE || !looksSecret(text.slice(start, end))) continue;
      emit("generic_secret", start, end);
    }
  },
};
