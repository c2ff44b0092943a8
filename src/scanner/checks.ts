// Validators shared by the rules: check digits, entropy, placeholders and small decoders.
// Each works on a bounded candidate, never on the whole text.
import { isDigit } from "./chars.ts";

/** Luhn check over a string of ASCII digits. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return false;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return digits.length > 0 && sum % 10 === 0;
}

/** ISO 13616 mod-97 check of an IBAN without spaces (uppercase letters and digits). */
export function ibanChecksumValid(iban: string): boolean {
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let rem = 0;
  for (let i = 0; i < rearranged.length; i++) {
    const c = rearranged.charCodeAt(i);
    if (isDigit(c)) rem = (rem * 10 + (c - 48)) % 97;
    else if (c >= 65 && c <= 90) rem = (rem * 100 + (c - 55)) % 97;
    else return false;
  }
  return rem === 1;
}

/** Shannon entropy in bits per character. */
export function shannonEntropy(s: string): number {
  if (s.length === 0) return 0;
  const counts = new Map<number, number>();
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    counts.set(c, (counts.get(c) ?? 0) + 1);
  }
  let h = 0;
  for (const n of counts.values()) {
    const p = n / s.length;
    h -= p * Math.log2(p);
  }
  return h;
}

/** How many of the classes lower, upper, digit, other a string uses (0-4). */
export function charClassCount(s: string): number {
  let lower = 0;
  let upper = 0;
  let digit = 0;
  let other = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 97 && c <= 122) lower = 1;
    else if (c >= 65 && c <= 90) upper = 1;
    else if (c >= 48 && c <= 57) digit = 1;
    else other = 1;
  }
  return lower + upper + digit + other;
}

const PLACEHOLDER_WORDS = [
  "xxx", "***", "...", "changeme", "change_me", "change-me", "example", "dummy", "placeholder", "your",
  "redacted", "sample", "fake", "foobar", "insert", "replace", "todo", "<", ">", "{{", "}}", "%s",
  "secret_here", "notreal", "not-real", "not_real",
];
const PLACEHOLDER_VALUES = new Set([
  "password", "passwd", "secret", "token", "apikey", "api_key", "null", "none", "nil", "undefined",
  "true", "false", "empty", "required", "optional", "string", "value", "unset", "masked", "hidden",
]);

/**
 * True for values that stand in for a secret rather than being one: variable references
 * (`${VAR}`, `$VAR`, `%VAR%`, `{{ var }}`), `<your-key>`, masks (`xxxx`, `****`), and words such
 * as `changeme`, `example`, `dummy`.
 */
export function isPlaceholder(value: string): boolean {
  const v = value.toLowerCase();
  if (v.length === 0) return true;
  const first = v.charCodeAt(0);
  if (first === 36 /* $ */ || first === 37 /* % */ || first === 64 /* @ */ || first === 91 /* [ */) return true;
  if (PLACEHOLDER_VALUES.has(v)) return true;
  for (const w of PLACEHOLDER_WORDS) if (v.includes(w)) return true;
  // One repeated character ("aaaaaaaa", "00000000") or a two-character alternation.
  let distinct = 0;
  const seen = new Set<number>();
  for (let i = 0; i < v.length && distinct < 3; i++) {
    if (!seen.has(v.charCodeAt(i))) {
      seen.add(v.charCodeAt(i));
      distinct++;
    }
  }
  return distinct < 3;
}

const B64_VALUES = (() => {
  const table = new Int16Array(128).fill(-1);
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  for (let i = 0; i < alphabet.length; i++) table[alphabet.charCodeAt(i)] = i;
  table[43] = 62; // +
  table[47] = 63; // /
  table[45] = 62; // - (base64url)
  table[95] = 63; // _ (base64url)
  return table;
})();

/** Decodes base64 or base64url (padding optional) to bytes; null when a character is invalid. */
export function decodeBase64(s: string): Uint8Array | null {
  let end = s.length;
  while (end > 0 && s.charCodeAt(end - 1) === 61) end--;
  if (s.length - end > 2 || end % 4 === 1) return null;
  const out = new Uint8Array(Math.floor((end * 6) / 8));
  let acc = 0;
  let bits = 0;
  let o = 0;
  for (let i = 0; i < end; i++) {
    const c = s.charCodeAt(i);
    const v = c < 128 ? B64_VALUES[c]! : -1;
    if (v < 0) return null;
    acc = ((acc << 6) | v) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
  }
  return out;
}

const BECH32_CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
const BECH32_GEN = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];

/** Verifies a Bech32 (BIP 173) string's checksum; case-insensitive but not mixed case. */
export function bech32Valid(s: string): boolean {
  const lower = s.toLowerCase();
  if (lower !== s && s.toUpperCase() !== s) return false;
  const sep = lower.lastIndexOf("1");
  if (sep < 1 || sep + 7 > lower.length) return false;
  const hrp = lower.slice(0, sep);
  let chk = 1;
  const step = (v: number) => {
    const top = chk >>> 25;
    chk = ((chk & 0x1ffffff) << 5) ^ v;
    for (let i = 0; i < 5; i++) if ((top >>> i) & 1) chk ^= BECH32_GEN[i]!;
  };
  for (let i = 0; i < hrp.length; i++) step(hrp.charCodeAt(i) >>> 5);
  step(0);
  for (let i = 0; i < hrp.length; i++) step(hrp.charCodeAt(i) & 31);
  for (let i = sep + 1; i < lower.length; i++) {
    const v = BECH32_CHARSET.indexOf(lower[i]!);
    if (v < 0) return false;
    step(v);
  }
  return chk === 1;
}
