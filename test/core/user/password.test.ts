import { describe, expect, test } from "bun:test";
import { passwordProblem } from "../../../src/core/user/common-passwords.ts";
import { ERASED_PASSWORD_HASH } from "../../../src/core/user/erase-user.ts";
import { BCRYPT_COST, hashPassword, verifyPassword } from "../../../src/core/user/password.ts";

describe("passwords", () => {
  test("two 100-character passwords sharing an 80-character prefix do not verify against each other", async () => {
    const prefix = "p".repeat(40) + "Q7-".repeat(13) + "z";
    expect(prefix).toHaveLength(80);
    const a = prefix + "a".repeat(20);
    const b = prefix + "b".repeat(20);
    const hashA = await hashPassword(a);
    expect(await verifyPassword(a, hashA)).toBe(true);
    expect(await verifyPassword(b, hashA)).toBe(false);
  });

  test("hashes are bcrypt with cost of at least 12", async () => {
    expect(BCRYPT_COST).toBeGreaterThanOrEqual(12);
    const hash = await hashPassword("a-perfectly-fine-passphrase");
    expect(hash).toMatch(/^\$2[aby]\$(\d\d)\$/);
    expect(Number(hash.slice(4, 6))).toBeGreaterThanOrEqual(12);
  });

  test("a hash stored by an earlier install (@node-rs/bcrypt, cost 12) still verifies after an upgrade", async () => {
    const stored = "$2b$12$dLNGNCbgYKhz/3L5dBZA/u0e4BmrRWoc1e5TTd5ypx8uZn4rB3VEm";
    expect(await verifyPassword("Synthetic-test-passphrase-42", stored)).toBe(true);
    expect(await verifyPassword("Synthetic-test-passphrase-43", stored)).toBe(false);
  });

  test("anything that is not a bcrypt hash (an erased account's marker, an empty or cut value) verifies as false, never throws", async () => {
    for (const stored of [ERASED_PASSWORD_HASH, "", "$2b$12$short", "$argon2id$v=19$m=65536,t=2,p=1$c2FsdA$aGFzaA"]) {
      expect(await verifyPassword("Synthetic-test-passphrase-42", stored)).toBe(false);
    }
  });

  test("short, common and low-variety passwords are refused with a reason", () => {
    expect(passwordProblem("short-pass1")).toContain("12 characters");
    expect(passwordProblem("Password1234")).toContain("common");
    expect(passwordProblem("qwertyuiop123")).toContain("common");
    expect(passwordProblem("abababababab")).toContain("different characters");
    expect(passwordProblem("ana.lopez-rocks-2026", { email: "ana.lopez@example.test" })).toContain("email");
    expect(passwordProblem("Synthetic-test-passphrase-42")).toBeNull();
  });
});
