import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";

// Sealed values: "v1.<iv>.<ciphertext+tag>" (base64url), AES-256-GCM. The key is derived with
// HKDF from a data-dir secret and a purpose label, so one secret file can key several purposes
// without any two sharing a key.
const VERSION = "v1";

/** A 32-byte key for `purpose`, derived from `secret` (HKDF-SHA-256). */
export function deriveKey(secret: Uint8Array, purpose: string): Uint8Array {
  return new Uint8Array(hkdfSync("sha256", secret, "railyard", purpose, 32));
}

/** Encrypts and authenticates `plaintext`; `context` (e.g. a row id) is bound to it and must match on opening. */
export function seal(key: Uint8Array, plaintext: string, context: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  cipher.setAAD(Buffer.from(context));
  const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final(), cipher.getAuthTag()]);
  return `${VERSION}.${iv.toString("base64url")}.${body.toString("base64url")}`;
}

/** The plaintext of a sealed value; throws when it was altered, sealed with another key or for another context. */
export function unseal(key: Uint8Array, sealed: string, context: string): string {
  const [version, iv, body] = sealed.split(".");
  if (version !== VERSION || !iv || !body) throw new Error("not a sealed value");
  const bytes = Buffer.from(body, "base64url");
  const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64url"));
  decipher.setAAD(Buffer.from(context));
  decipher.setAuthTag(bytes.subarray(bytes.length - 16));
  return Buffer.concat([decipher.update(bytes.subarray(0, bytes.length - 16)), decipher.final()]).toString("utf8");
}
