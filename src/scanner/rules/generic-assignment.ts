// Generic secrets: a value assigned to a secret-sounding name — `password=…`, `DB_PASSWORD: …`,
// `"apiKey": "…"`, `client_secret=…`, `Authorization: Bearer …` — when the value is not a
// placeholder and looks random enough (entropy and character-class thresholds). The finding covers
// the value only, so `password=[REDACTED:generic_secret]` stays readable.
import { at, isAlnum, isSpace, runStart, type CharTest } from "../chars.ts";
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
  const lower = name.toLowerCase();
  const segments = lower.split(/[_.-]/);
  if (NAME_SEGMENTS.has(segments[segments.length - 1]!)) return true;
  const squashed = segments.join("");
  return NAME_SUFFIXES.some((suffix) => squashed.endsWith(suffix));
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

/** True when the name assigned by the operator at `op` sounds like a secret. */
function secretNameBefore(text: string, op: number): boolean {
  let end = op;
  // Allow `name = v`, `"name": v`, `name := v`.
  for (let k = 0; k < 3 && end > 0 && (isSpace(at(text, end - 1)) || isQuote(at(text, end - 1)) || at(text, end - 1) === 58); k++) end--;
  const start = runStart(text, end, isNameChar, MAX_NAME);
  if (start === end || end - start > MAX_NAME) return false;
  return isSecretName(text.slice(start, end));
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

export const genericAssignmentRule: Rule = {
  name: "generic_secret",
  kinds: ["generic_secret"],
  mayMatch: (text) => /pass|pwd|secret|token|key|auth|cred|bearer/i.test(text),
  find(text, emit) {
    let resumeAt = 0;
    for (let op = 0; op < text.length; op++) {
      const c = text.charCodeAt(op);
      if ((c !== 61 && c !== 58) || op < resumeAt) continue;
      // "://" is a URL, "::" a path separator, "==" and "!=" comparisons.
      const next = at(text, op + 1);
      if (c === 58 && (next === 47 || next === 58)) continue;
      if (c === 61 && (at(text, op - 1) === 33 || at(text, op - 1) === 61 || at(text, op - 1) === 60 || at(text, op - 1) === 62)) continue;
      if (!secretNameBefore(text, op)) continue;
      const value = valueAfter(text, op);
      if (value === null) continue;
      const [start, end] = value;
      if (!looksSecret(text.slice(start, end))) continue;
      emit("generic_secret", start, end);
      resumeAt = end;
    }
  },
};
