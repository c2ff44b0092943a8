import { createHash } from "node:crypto";

export const BCRYPT_COST = 12;

/** A well-formed bcrypt hash ($2a$/$2b$/$2y$, two-digit cost, 53 characters of salt and digest). */
const BCRYPT_HASH = /^\$2[aby]\$\d\d\$[./A-Za-z0-9]{53}$/;

/**
 * bcrypt reads only the first 72 bytes, so two long passwords sharing a prefix would collide.
 * The password is first reduced with SHA-256 (base64, 44 bytes), so every byte counts.
 */
function prehash(password: string): string {
  return createHash("sha256").update(password.normalize("NFC")).digest("base64");
}

// Bun's built-in bcrypt, not a native addon: a compiled binary has to extract an addon into $TMPDIR
// and dlopen it from there, which fails on a read-only root filesystem or a noexec /tmp, and then
// nothing that touches passwords (serve included) can start. The hashes are standard $2b$ bcrypt.
export function hashPassword(password: string): Promise<string> {
  return Bun.password.hash(prehash(password), { algorithm: "bcrypt", cost: BCRYPT_COST });
}

/** False for a wrong password and for anything that is not a bcrypt hash (an erased account's marker). */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  if (!BCRYPT_HASH.test(stored)) return false;
  return Bun.password.verify(prehash(password), stored, "bcrypt");
}

/**
 * A real hash of a random password, computed on first use and then kept: verified against when
 * the account does not exist, to equalise timing. Built once per app by the composition root.
 */
export function createDummyPasswordHash(): () => Promise<string> {
  let hash: Promise<string> | null = null;
  return () => (hash ??= hashPassword(crypto.randomUUID()));
}
