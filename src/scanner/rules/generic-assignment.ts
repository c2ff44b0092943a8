// Generic secrets: a value assigned to a secret-sounding name — `password=…`, `DB_PASSWORD: …`,
// `"apiKey": "…"`, `client_secret=…`, `Authorization: Bearer …` — when the value is not a
// placeholder and looks random enough (entropy and character-class thresholds). The finding covers
// the value only, so `password=[REDACTED:generic_secret]` stays readable.
import { at, isAlnum, isSpace, runEnd, runStart, type CharTest } from "../chars.ts";
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
const NAME_SEGMENTS = new Set(["pass", "pw", "auth"]);
const AUTH_SCHEMES = ["bearer ", "basic ", "token "];

const isNameChar: CharTest = (c) => isAlnum(c) || c === 95 || c === 45 || c === 46;
const isQuote: CharTest = (c) => c === 34 || c === 39 || c === 96;
// Unquoted values end at whitespace, quotes and the punctuation that separates fields.
const endsUnquoted: CharTest = (c) =>
  isSpace(c) || isQuote(c) || c === 44 || c === 59 || c === 38 || c === 41 || c === 93 || c === 125 || c === 62 || c === 60 || c === 124;

function isSecretName(name: string): boolean {
  // Lowercase with separators dropped, and the last separator-delimited segment, in one pass.
  let squashed = "";
  let lastSegment = "";
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c === 95 || c === 45 || c === 46) {
      lastSegment = "";
      continue;
    }
    const ch = c >= 65 && c <= 90 ? String.fromCharCode(c + 32) : name[i]!;
    squashed += ch;
    lastSegment += ch;
  }
  if (NAME_SEGMENTS.has(lastSegment)) return true;
  for (const suffix of NAME_SUFFIXES) if (squashed.endsWith(suffix)) return true;
  return false;
}

/** Entropy needed for a value of this length: 3 bits/char, relaxed for short values that cannot reach it. */
function entropyThreshold(length: number): number {
  return Math.min(3.0, 0.8 * Math.log2(length));
}

function looksSecret(value: string): boolean {
  if (value.length < MIN_VALUE || value.length > MAX_VALUE) return false;
  if (isPlaceholder(value)) return false;
  // Paths, URLs and plain numbers are configuration, not credentials.
  const first = value.charCodeAt(0);
  if (first === 47 || first === 126 || value.startsWith("./") || /^[a-z][a-z0-9+.-]*:\/\//i.test(value)) return false;
  if (/^[\d.,:_-]+$/.test(value)) return false;
  return charClassCount(value) >= 2 && shannonEntropy(value) >= entropyThreshold(value.length);
}

/** The operator ('=' or ':') that follows the name ending at `nameEnd`, allowing `"name": v`, `name = v`, `name := v`; or -1. */
function operatorAfter(text: string, nameEnd: number): number {
  let i = nameEnd;
  for (let k = 0; k < 3 && (isSpace(at(text, i)) || isQuote(at(text, i))); k++) i++;
  const c = at(text, i);
  if (c === 61) return at(text, i + 1) === 61 ? -1 : i; // "==" is a comparison
  if (c !== 58) return -1;
  const next = at(text, i + 1);
  if (next === 47 || next === 58) return -1; // "://" is a URL, "::" a path
  return next === 61 ? i + 1 : i; // ":="
}

/** The value after the operator at `op`: [start, end), or null. */
function valueAfter(text: string, op: number): [number, number] | null {
  let i = op + 1;
  if (at(text, i) === 62 || at(text, i) === 61) i++; // "=>", "=="
  for (let k = 0; k < 3 && isSpace(at(text, i)) && at(text, i) !== 10; k++) i++;
  for (const scheme of AUTH_SCHEMES) {
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

// Keywords that every secret-sounding name contains; the scan jumps from one to the next. Spelled
// out case by case because JavaScriptCore runs that about 1.5x faster than the /i flag.
const KEYWORD_SOURCE = "[Pp][Ww]|[Pp][Aa][Ss][Ss]|[Ss][Ee][Cc][Rr][Ee][Tt]|[Tt][Oo][Kk][Ee][Nn]|[Kk][Ee][Yy]|[Aa][Uu][Tt][Hh]|[Cc][Rr][Ee][Dd]|[Bb][Ee][Aa][Rr][Ee][Rr]";
const KEYWORDS = new RegExp(KEYWORD_SOURCE, "g");
const ANY_KEYWORD = new RegExp(KEYWORD_SOURCE);

export const genericAssignmentRule: Rule = {
  name: "generic_secret",
  kinds: ["generic_secret"],
  // Every assignment has an operator; checking for one first is far cheaper than the keyword regex.
  mayMatch: (text) => (text.includes("=") || text.includes(":")) && ANY_KEYWORD.test(text),
  find(text, emit) {
    // Driven by keyword hits rather than by every '=' and ':': keywords are rare in metadata.
    // One shared global regex: scanning is synchronous, so resetting lastIndex is enough.
    const keywords = KEYWORDS;
    keywords.lastIndex = 0;
    for (let hit = keywords.exec(text); hit !== null; hit = keywords.exec(text)) {
      const nameStart = runStart(text, hit.index, isNameChar, MAX_NAME);
      const nameEnd = runEnd(text, hit.index, isNameChar, MAX_NAME);
      keywords.lastIndex = Math.max(keywords.lastIndex, nameEnd);
      if (nameEnd - nameStart > MAX_NAME) continue;
      const op = operatorAfter(text, nameEnd);
      if (op === -1 || !isSecretName(text.slice(nameStart, nameEnd))) continue;
      const value = valueAfter(text, op);
      if (value === null) continue;
      const [start, end] = value;
      // Skip past the value either way: an over-long value is not re-read from every keyword inside it.
      keywords.lastIndex = Math.max(keywords.lastIndex, end);
      if (end - start > MAX_VALUE || !looksSecret(text.slice(start, end))) continue;
      emit("generic_secret", start, end);
    }
  },
};
