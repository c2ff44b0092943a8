import { z } from "zod";
import type { Ctx } from "../context.ts";
import { conflict, forbidden, invalid } from "../errors.ts";
import { getSettings } from "../setting/get-settings.ts";
import { refuse, transact } from "../transact.ts";
import { bumpFailures, lockedError } from "./login.ts";
import { parseInput } from "../validate.ts";
import { passwordProblem } from "./common-passwords.ts";
import { hashPassword, verifyPassword } from "./password.ts";
import { Password } from "./schemas.ts";

const ChangePasswordInput = z.strictObject({ currentPassword: Password, newPassword: Password });

/**
 * A person changes their own password: the current one is required and the password policy
 * applies. Every other session of theirs is revoked (the one in use stays signed in), and any
 * reset link still open for them ends.
 */
export async function changePassword({ ctx, sessionId, input }: { ctx: Ctx; sessionId: string; input: unknown }): Promise<{ sessionsRevoked: number }> {
  const actor = ctx.actor;
  if (actor.kind !== "human") throw forbidden("only people have passwords");
  const { currentPassword, newPassword } = parseInput(ChangePasswordInput, input);
  const row = await ctx.store.read.users.byId(actor.userId);
  if (!row || row.erasedAt !== null || row.disabled) throw forbidden("this account cannot change its password");
  // Guessing the current password from a stolen session is throttled like sign-in: each attempt
  // is counted before bcrypt runs (so a parallel burst cannot slip past the lock), a success clears it.
  const subject = `password-change:${actor.userId}`;
  const now = ctx.clock.now();
  const { loginMaxFailures } = await getSettings(ctx.store.read);
  const lockedUntil = await transact(ctx, async (tx) => {
    const [counter] = await tx.users.throttles([subject]);
    if (counter && counter.lockedUntil > now) {
      refuse(lockedError(counter.lockedUntil, now), { type: "auth.password_change_failed", subject: actor.userId, meta: { reason: "locked", retryAfterSeconds: Math.ceil((counter.lockedUntil - now) / 1000) } });
    }
    return await bumpFailures(tx, subject, counter, now, loginMaxFailures);
  });
  // bcrypt outside any transaction: writes are serialised.
  if (!(await verifyPassword(currentPassword, row.passwordHash))) {
    return await transact(ctx, async () => refuse(
      invalid("currentPassword: the current password is incorrect", { fields: ["currentPassword"] }),
      { type: "auth.password_change_failed", subject: actor.userId, meta: { reason: "wrong_current_password", lockedForSeconds: lockedUntil > now ? Math.ceil((lockedUntil - now) / 1000) : 0 } },
    ));
  }
  await ctx.store.write((tx) => tx.users.deleteThrottle(subject));
  const problem = passwordProblem(newPassword, { email: row.email, name: row.name });
  if (problem) throw invalid(`newPassword: ${problem}`, { fields: ["newPassword"] });
  if (newPassword === currentPassword) throw invalid("newPassword: choose a password different from the current one", { fields: ["newPassword"] });
  const passwordHash = await hashPassword(newPassword);
  return transact(ctx, async (tx, record) => {
    const fresh = await tx.users.byId(actor.userId);
    // Changed (or reset) meanwhile: the current password that was checked may no longer be the current one.
    if (!fresh || fresh.passwordHash !== row.passwordHash) throw conflict("your password changed meanwhile; sign in again");
    await tx.users.setPasswordHash(actor.userId, passwordHash, now);
    await tx.users.expirePasswordResetTokensOf(actor.userId, now);
    const sessionsRevoked = await tx.users.revokeSessionsOfExcept(actor.userId, sessionId, now);
    await record({ type: "auth.password_changed", subject: actor.userId, meta: { sessionsRevoked } });
    if (sessionsRevoked > 0) await record({ type: "auth.session_revoked", subject: actor.userId, meta: { why: "password_changed", count: sessionsRevoked } });
    return { sessionsRevoked };
  });
}
