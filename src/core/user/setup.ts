import { and, eq, gt, isNull } from "drizzle-orm";
import { setupTokens, users } from "../../db/schema/index.ts";
import type { Db } from "../../db/store.ts";
import { randomToken, sha256Hex } from "../../lib/hash.ts";
import { HOUR } from "../../lib/time.ts";
import type { Ctx } from "../context.ts";
import { AppError } from "../errors.ts";
import { transact } from "../transact.ts";
import { parseInput } from "../validate.ts";
import { insertUser, prepareUser } from "./create-user.ts";
import { SetupInput, type UserView } from "./schemas.ts";

export const SETUP_TOKEN_TTL_MS = HOUR;

export function ownerExists(db: Db): boolean {
  return db.select({ id: users.id }).from(users).where(eq(users.role, "owner")).limit(1).get() !== undefined;
}

/**
 * When no owner exists, issues a one-time setup token (single use, valid one hour) and returns its
 * plaintext for the start-up banner; only its hash is stored. Returns null when an owner exists.
 */
export function issueSetupToken(ctx: Ctx): string | null {
  const token = randomToken(32);
  const now = ctx.clock.now();
  return transact(ctx, (tx, record) => {
    if (ownerExists(tx)) return null;
    tx.insert(setupTokens).values({ tokenHash: sha256Hex(token), createdAt: now, expiresAt: now + SETUP_TOKEN_TTL_MS }).run();
    record({ type: "setup.token_issued", meta: { expiresInMinutes: SETUP_TOKEN_TTL_MS / 60_000 } });
    return token;
  });
}

/** Consumes a setup token and creates the owner account, in one transaction (first run only). */
export async function completeSetup({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<UserView> {
  const data = parseInput(SetupInput, input);
  if (ownerExists(ctx.store.read)) throw new AppError("conflict", "setup is already complete; sign in instead");
  const owner = await prepareUser({ email: data.email, name: data.name, role: "owner", password: data.password });
  const tokenHash = sha256Hex(data.token);
  return transact(ctx, (tx, record) => {
    const now = ctx.clock.now();
    if (ownerExists(tx)) throw new AppError("conflict", "setup is already complete; sign in instead");
    const consumed = tx.update(setupTokens).set({ usedAt: now })
      .where(and(eq(setupTokens.tokenHash, tokenHash), isNull(setupTokens.usedAt), gt(setupTokens.expiresAt, now))).run() as unknown as { changes: number };
    if (consumed.changes !== 1) {
      throw new AppError("unauthenticated", "this setup link is invalid, used or expired; restart railyard to print a new one");
    }
    return insertUser(tx, record, now, owner);
  });
}
