import { z } from "zod";
import { idPattern } from "../../lib/ids.ts";
import { randomToken, sha256Hex } from "../../lib/hash.ts";
import { HOUR } from "../../lib/time.ts";
import type { Ctx } from "../context.ts";
import { AppError, forbidden, invalid, notFound } from "../errors.ts";
import { atLeast, can } from "../roles.ts";
import type { Tx } from "../store.ts";
import { transact, type Record } from "../transact.ts";
import { parseInput } from "../validate.ts";
import { passwordProblem } from "./common-passwords.ts";
import { hashPassword } from "./password.ts";
import { Password } from "./schemas.ts";
import { revokeUserSessions } from "./session.ts";

export const PASSWORD_RESET_TTL_MS = HOUR;

/** Where the web app takes a reset token: in the fragment, so it never reaches a server log. */
export const PASSWORD_RESET_PATH = "/reset-password#token=";

/** A freshly issued reset token: the plaintext leaves the core once, only its hash is stored. */
export interface IssuedReset {
  readonly token: string;
  readonly expiresAt: number;
}

/** The link a person opens to set their password, on the server's base URL. */
export function passwordResetLink(baseUrl: string, token: string): string {
  return `${baseUrl.replace(/\/+$/, "")}${PASSWORD_RESET_PATH}${token}`;
}

const Token = z.string().min(1).max(200);
const IssueInput = z.strictObject({ id: z.string().max(32).regex(idPattern("usr"), "not a user id") });
const CheckInput = z.strictObject({ token: Token });
const ResetInput = z.strictObject({ token: Token, password: Password });

const deadLink = () => new AppError("unauthenticated", "this reset link is invalid, used or expired; ask an admin for a new one");

/**
 * Issues a reset token for a person inside the caller's transaction: ends their earlier unused
 * ones (only the newest link works) and records `auth.password_reset_issued`.
 */
export async function issueResetToken(tx: Tx, record: Record, now: number, userId: string, reason: "reset" | "invite"): Promise<IssuedReset> {
  const token = randomToken(32);
  const expiresAt = now + PASSWORD_RESET_TTL_MS;
  const replaced = await tx.users.expirePasswordResetTokensOf(userId, now);
  await tx.users.insertPasswordResetToken({ tokenHash: sha256Hex(token), userId, createdAt: now, expiresAt });
  await record({ type: "auth.password_reset_issued", subject: userId, meta: { reason, expiresInMinutes: PASSWORD_RESET_TTL_MS / 60_000, replaced } });
  return { token, expiresAt };
}

/**
 * An admin (or the system, for `railyard users reset-password`) issues a one-time reset link for
 * someone; nobody learns or chooses the new password. People need `users.manage`, cannot reset
 * someone ranked above them, nor themselves (they change their own password instead).
 */
export async function issuePasswordReset({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<IssuedReset> {
  const actor = ctx.actor;
  if (actor.kind === "agent") throw forbidden("agents cannot manage people");
  if (actor.kind === "human" && !can(actor.role, "users.manage")) throw forbidden("your role cannot manage people");
  const { id } = parseInput(IssueInput, input);
  return transact(ctx, async (tx, record) => {
    const row = await tx.users.byId(id);
    if (!row || row.erasedAt !== null) throw notFound("user");
    if (actor.kind === "human") {
      if (actor.userId === id) throw forbidden("you cannot reset your own password; change it with your current one instead");
      if (!atLeast(actor.role, row.role)) throw forbidden("you cannot reset the password of someone whose role is above your own");
    }
    return issueResetToken(tx, record, ctx.clock.now(), id, "reset");
  });
}

/** Whom a live reset token is for (email and name, to show on the reset page). */
export async function checkPasswordReset({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<{ email: string; name: string; expiresAt: number }> {
  const { token } = parseInput(CheckInput, input);
  const target = await ctx.store.read.users.passwordResetTarget(sha256Hex(token), ctx.clock.now());
  if (!target) throw deadLink();
  return { email: target.email, name: target.name, expiresAt: target.expiresAt };
}

/**
 * Sets a new password with a reset token (once): the password policy applies, the token is used
 * up, the person's other reset links end and every session of theirs is revoked.
 */
export async function completePasswordReset({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<{ email: string }> {
  const { token, password } = parseInput(ResetInput, input);
  const tokenHash = sha256Hex(token);
  const target = await ctx.store.read.users.passwordResetTarget(tokenHash, ctx.clock.now());
  if (!target) throw deadLink();
  const problem = passwordProblem(password, { email: target.email, name: target.name });
  if (problem) throw invalid(`password: ${problem}`, { fields: ["password"] });
  // bcrypt before the transaction: writes are serialised.
  const passwordHash = await hashPassword(password);
  return transact(ctx, async (tx, record) => {
    const now = ctx.clock.now();
    // Re-checked inside the write: the token may have been used or replaced meanwhile.
    const live = await tx.users.passwordResetTarget(tokenHash, now);
    if (!live || live.userId !== target.userId || !(await tx.users.consumePasswordResetToken(tokenHash, now))) throw deadLink();
    await tx.users.setPasswordHash(live.userId, passwordHash, now);
    await tx.users.expirePasswordResetTokensOf(live.userId, now);
    await record({ type: "auth.password_reset", subject: live.userId });
    await revokeUserSessions(tx, record, now, live.userId, "password_reset");
    return { email: live.email };
  });
}
