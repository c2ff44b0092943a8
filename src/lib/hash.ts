import { createHash, createHmac, timingSafeEqual } from "node:crypto";

/** Lower-case hex SHA-256 of a string or bytes. */
export function sha256Hex(data: string | Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

/** Lower-case hex HMAC-SHA-256. */
export function hmacHex(key: Uint8Array | string, data: string): string {
  return createHmac("sha256", key).update(data).digest("hex");
}

/** Constant-time comparison of two strings (false when lengths differ). */
export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** URL-safe random token with the given number of random bytes. */
export function randomToken(bytes = 32): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(bytes))).toString("base64url");
}
