import { z } from "zod";
import { idPattern } from "../../lib/ids.ts";
import type { Ctx } from "../context.ts";
import { conflict, forbidden, notFound } from "../errors.ts";
import { atLeast, can } from "../roles.ts";
import { transact } from "../transact.ts";
import { parseInput } from "../validate.ts";
import { revokeUserSessions } from "./session.ts";

export const EraseUserInput = z.strictObject({ userId: z.string().max(32).regex(idPattern("usr"), "not a user id") });

/** Not a bcrypt hash, so no password can ever match it. */
export const ERASED_PASSWORD_HASH = "!erased";

export interface EraseResult {
  readonly id: string;
  readonly erasedAt: number;
  readonly sessionsRevoked: number;
  readonly keysRevoked: number;
  /** Links to identity-provider accounts removed (the next SSO sign-in of that account is a stranger's). */
  readonly ssoIdentitiesRemoved: number;
}

/**
 * Erases a person (GDPR): the profile is replaced (email `erased-<id>@invalid`, name "Erased
 * user", an unusable password hash), the account disabled, sessions and plugin keys revoked, and
 * the links to their identity-provider accounts and their sessions' SSO records removed. Audit
 * events keep the opaque user id. Owner or admin, never above one's own role, never oneself, never
 * the last owner. Erasing an erased person is refused (nothing left to erase).
 */
export async function eraseUser({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<EraseResult> {
  const actor = ctx.actor;
  if (actor.kind === "agent") throw forbidden("agents cannot manage people");
  if (actor.kind === "human" && !can(actor.role, "users.manage")) throw forbidden("your role cannot erase people");
  const { userId } = parseInput(EraseUserInput, input);
  if (actor.kind === "human" && actor.userId === userId) throw conflict("you cannot erase your own account; ask another owner or admin");
  return transact(ctx, async (tx, record) => {
    const user = await tx.users.byId(userId);
    if (!user) throw notFound("user");
    if (user.erasedAt !== null) throw conflict("this person is already erased");
    if (actor.kind === "human" && !atLeast(actor.role, user.role)) throw forbidden(`you cannot erase someone whose role (${user.role}) is above your own`);
    if (user.role === "owner" && (await tx.users.activeOwnersOtherThan(userId)) === 0) {
      throw conflict("this is the last owner; transfer ownership before erasing them");
    }
    const now = ctx.clock.now();
    await tx.users.erase({ id: userId, email: `erased-${userId}@invalid`, name: "Erased user", passwordHash: ERASED_PASSWORD_HASH, erasedAt: now });
    const sessionsRevoked = await revokeUserSessions(tx, record, now, userId, "erased");
    const keysRevoked = await tx.users.revokeKeysOf(userId, now, actor.kind === "human" ? actor.userId : null);
    // The provider's subject (an issuer and sub, or a directory DN) identifies the person, and the
    // sealed refresh tokens still speak for them at the provider: neither may outlive the erasure.
    await tx.identity.deleteSsoSessionsOf(userId);
    const ssoIdentitiesRemoved = await tx.identity.deleteIdentitiesOf(userId);
    await record({ type: "user.erased", subject: userId, meta: { role: user.role, sessionsRevoked, keysRevoked, ssoIdentitiesRemoved } });
    return { id: userId, erasedAt: now, sessionsRevoked, keysRevoked, ssoIdentitiesRemoved };
  });
}
