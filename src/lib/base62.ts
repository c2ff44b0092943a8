// Base62 with the alphabet 0-9, A-Z, a-z (the order GitHub and npm use for token checksums).

export const BASE62_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/** True when every character of `s` is in the base62 alphabet (and `s` is non-empty). */
export function isBase62(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    if (base62Digit(s.charCodeAt(i)) < 0) return false;
  }
  return true;
}

/** The value of one base62 character code, or -1 when it is not in the alphabet. */
export function base62Digit(code: number): number {
  if (code >= 48 && code <= 57) return code - 48;
  if (code >= 65 && code <= 90) return code - 55;
  if (code >= 97 && code <= 122) return code - 61;
  return -1;
}

/** Encodes an unsigned integer (0 ≤ n < 2^53) as exactly `width` base62 characters, left-padded with '0'. */
export function encodeBase62Uint(n: number, width: number): string {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError("encodeBase62Uint: n must be a non-negative safe integer");
  let out = "";
  let rest = n;
  while (rest > 0) {
    out = BASE62_ALPHABET[rest % 62]! + out;
    rest = Math.floor(rest / 62);
  }
  if (out.length > width) throw new RangeError(`encodeBase62Uint: ${n} does not fit in ${width} base62 characters`);
  return out.padStart(width, "0");
}

/** Decodes base62 text to an unsigned integer; -1 when a character is outside the alphabet or the value is unsafe. */
export function decodeBase62Uint(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const d = base62Digit(s.charCodeAt(i));
    if (d < 0) return -1;
    n = n * 62 + d;
    if (n > Number.MAX_SAFE_INTEGER) return -1;
  }
  return n;
}

/** The number of base62 characters needed for any value of `byteLength` bytes (32 bytes → 43). */
export function base62WidthForBytes(byteLength: number): number {
  return Math.ceil((byteLength * 8) / Math.log2(62));
}

/** Encodes bytes (a big-endian unsigned number) as fixed-width base62, left-padded with '0'. */
export function encodeBase62Bytes(bytes: Uint8Array): string {
  let n = 0n;
  for (const b of bytes) n = (n << 8n) | BigInt(b);
  let out = "";
  while (n > 0n) {
    out = BASE62_ALPHABET[Number(n % 62n)]! + out;
    n /= 62n;
  }
  return out.padStart(base62WidthForBytes(bytes.length), "0");
}
