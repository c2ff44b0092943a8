// Railyard plugin keys: `ryd_` + 43 base62 characters of 256 random bits + 6 base62 characters of
// the CRC-32 of those 43 characters. The checksum lets the scanner (and GitHub-style secret scanners)
// recognise a real key without a database lookup; it is not a security property.
import { crc32 } from "./crc32.ts";
import { encodeBase62Bytes, encodeBase62Uint, isBase62 } from "./base62.ts";

export const PLUGIN_KEY_PREFIX = "ryd_";
export const PLUGIN_KEY_RANDOM_LENGTH = 43;
export const PLUGIN_KEY_CHECKSUM_LENGTH = 6;
export const PLUGIN_KEY_LENGTH = PLUGIN_KEY_PREFIX.length + PLUGIN_KEY_RANDOM_LENGTH + PLUGIN_KEY_CHECKSUM_LENGTH;
const RANDOM_BYTES = 32;

/** The 6-character base62 CRC-32 checksum of a key's random part. */
export function pluginKeyChecksum(randomPart: string): string {
  return encodeBase62Uint(crc32(randomPart), PLUGIN_KEY_CHECKSUM_LENGTH);
}

/** Formats 32 random bytes as a plugin key (`ryd_` + 43 base62 + 6 base62 checksum). */
export function formatPluginKey(randomBytes: Uint8Array): string {
  if (randomBytes.length !== RANDOM_BYTES) {
    throw new RangeError(`formatPluginKey: expected ${RANDOM_BYTES} random bytes, got ${randomBytes.length}`);
  }
  const randomPart = encodeBase62Bytes(randomBytes);
  return PLUGIN_KEY_PREFIX + randomPart + pluginKeyChecksum(randomPart);
}

/** True when `s` has the plugin key prefix, length, alphabet and a matching checksum. */
export function isWellFormedPluginKey(s: string): boolean {
  if (s.length !== PLUGIN_KEY_LENGTH || !s.startsWith(PLUGIN_KEY_PREFIX)) return false;
  const body = s.slice(PLUGIN_KEY_PREFIX.length);
  if (!isBase62(body)) return false;
  const randomPart = body.slice(0, PLUGIN_KEY_RANDOM_LENGTH);
  return body.slice(PLUGIN_KEY_RANDOM_LENGTH) === pluginKeyChecksum(randomPart);
}
