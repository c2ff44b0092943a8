import { crc32 } from "../../src/lib/crc32.ts";
import { encodeBase62Uint } from "../../src/lib/base62.ts";
import { scan } from "../../src/scanner/index.ts";

/** The kinds the scanner reports for `text`, in order. */
export function kindsIn(text: string): string[] {
  return scan(text).map((f) => f.kind);
}

/** The matched substrings for `text`. */
export function matchesIn(text: string): string[] {
  return scan(text).map((f) => text.slice(f.start, f.end));
}

/** A synthetic GitHub/npm-style token: prefix + 30 base62 + base62 CRC-32 checksum. */
export function crcToken(prefix: string, random = "SyntheticTokenForTests0123456x"): string {
  return prefix + random + encodeBase62Uint(crc32(random), 6);
}

/** A synthetic 2 KB "private key" body: deterministic base64 lines, 64 characters wide like PEM (not a key). */
export function syntheticKeyBody(lines = 25): string[] {
  const bytes = Uint8Array.from({ length: lines * 48 }, (_, i) => (i * 131 + 17 + (i >> 3) * 7) & 0xff);
  const b64 = Buffer.from(bytes).toString("base64");
  const out: string[] = [];
  for (let i = 0; i < b64.length; i += 64) out.push(b64.slice(i, i + 64));
  return out;
}
