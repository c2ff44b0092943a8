import { hash, verify } from "@node-rs/bcrypt";
import { createHash } from "node:crypto";

export const BCRYPT_COST = 12;

/**
 * bcrypt reads only the first 72 bytes, so two long passwords sharing a prefix would collide.
 * The password is first reduced with SHA-256 (base64, 44 bytes), so every byte counts.
 */
function prehash(password: string): string {
  return createHash("sha256").update(password.normalize("NFC")).digest("base64");
}

export function hashPassword(password: string): Promise<string> {
  return hash(prehash(password), { cost: BCRYPT_COST });
}

export function verifyPassword(password: string, stored: string): Promise<boolean> {
  return verify(prehash(password), stored);
}

/** A real hash of a random password: verified against when the account does not exist, to equalise timing. */
let dummyHash: Promise<string> | null = null;
export function dummyPasswordHash(): Promise<string> {
  dummyHash ??= hashPassword(crypto.randomUUID());
  return dummyHash;
}
