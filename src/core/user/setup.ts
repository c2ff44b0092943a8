import { randomToken, sha256Hex } from "../../lib/hash.ts";
import { HOUR } from "../../lib/time.ts";
import type { Ctx } from "../context.ts";
import { AppError } from "../errors.ts";
import type { Queries } from "../store.ts";
import { transact } from "../transact.ts";
import { parseInput } from "../validate.ts";
import { insertUser, prepareUser } from "./create-user.ts";
import { SetupInput, type UserView } from "./schemas.ts";

export const SETUP_TOKEN_TTL_MS = HOUR;

export async function ownerExists(q: Pick<Queries, "users">): Promise<boolean> {
  return q.users.ownerExists();
}

/**
 * When no owner exists, issues a one-time setup token (single use, valid one hour) and returns its
 * plaintext for the start-up banner; only its hash is stored. Only the newest link works: issuing
 * one ends every earlier unused one (a link printed by an earlier start, or copied from an old
 * terminal or log, is dead). Returns null when an owner exists.
 */
export async function issueSetupToken(ctx: Ctx): Promise<string | null> {
  const token = randomToken(32);
  const now = ctx.clock.now();
  return transact(ctx, async (tx, record) => {
    if (await ownerExists(tx)) return null;
    const replaced = await tx.users.expireSetupTokens(now);
    await tx.users.insertSetupToken({ tokenHash: sha256Hex(token), createdAt: now, expiresAt: now + SETUP_TOKEN_TTL_MS });
    await record({ type: "setup.token_issued", meta: { expiresInMinutes: SETUP_TOKEN_TTL_MS / 60_000, replaced } });
    return token;
  });
}

/** Consumes a setup token and creates the owner account, in one transaction (first run only). */
export async function completeSetup({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<UserView> {
  const data = parseInput(SetupInput, input);
  if (await ownerExists(ctx.store.read)) throw new AppError("conflict", "setup is already complete; sign in instead");
  // bcrypt before the transaction: writes are serialised, and a slow await inside one stalls every writer.
  const owner = await prepareUser({ email: data.email, name: data.name, role: "owner", password: data.password });
  const tokenHash = sha256Hex(data.token);
  return transact(ctx, async (tx, record) => {
    const now = ctx.clock.now();
    if (await ownerExists(tx)) throw new AppError("conflict", "setup is already complete; sign in instead");
    if (!(await tx.users.consumeSetupToken(tokenHash, now))) {
      throw new AppError("unauthenticated", "this setup link is invalid, used or expired; restart railyard to print a new one");
    }
    return insertUser(tx, record, now, owner);
  });
}
