import { z } from "zod";
import { idPattern } from "../../lib/ids.ts";
import type { Ctx } from "../context.ts";
import { conflict, forbidden, notFound } from "../errors.ts";
import { atLeast, can } from "../roles.ts";
import { transact } from "../transact.ts";
import { parseInput } from "../validate.ts";
import type { UserProfile } from "./queries.ts";
import { toUserView, UpdateUserInput, type UserView } from "./schemas.ts";
import { revokeUserSessions } from "./session.ts";

const UpdateUserRequest = UpdateUserInput.extend({ id: z.string().max(32).regex(idPattern("usr"), "not a user id") });

/**
 * Changes a person's name, role or disabled flag. Needs `users.manage`; nobody grants a role above
 * their own or touches someone ranked above them; the last active owner cannot be demoted or
 * disabled. A role change or disabling revokes the person's sessions in the same transaction.
 */
export async function updateUser({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<UserView> {
  const actor = ctx.actor;
  if (actor.kind === "agent") throw forbidden("agents cannot manage people");
  if (actor.kind === "human" && !can(actor.role, "users.manage")) throw forbidden("your role cannot manage people");
  const { id, ...patch } = parseInput(UpdateUserRequest, input);
  return transact(ctx, async (tx, record) => {
    const row = await tx.users.byId(id);
    if (!row || row.erasedAt !== null) throw notFound("user");
    if (actor.kind === "human") {
      if (!atLeast(actor.role, row.role)) throw forbidden("you cannot change someone whose role is above your own");
      if (patch.role !== undefined && !atLeast(actor.role, patch.role)) throw forbidden(`you cannot grant the role ${patch.role}, which is above your own`);
      if (patch.disabled === true && actor.userId === id) throw forbidden("you cannot disable yourself; ask another administrator");
    }
    const changes: Partial<Pick<UserProfile, "name" | "role" | "disabled">> = {};
    if (patch.name !== undefined && patch.name !== row.name) changes.name = patch.name;
    if (patch.role !== undefined && patch.role !== row.role) changes.role = patch.role;
    if (patch.disabled !== undefined && patch.disabled !== row.disabled) changes.disabled = patch.disabled;
    if (Object.keys(changes).length === 0) return toUserView(row);
    // An active owner who is demoted or disabled must leave another active owner behind.
    if (row.role === "owner" && !row.disabled && (changes.role !== undefined || changes.disabled === true) && (await tx.users.activeOwnersOtherThan(id)) === 0) {
      throw conflict("this is the last owner; make someone else owner first");
    }
    const now = ctx.clock.now();
    const updated = { ...row, ...changes };
    await tx.users.setProfile({ id, name: updated.name, role: updated.role, disabled: updated.disabled, updatedAt: now });
    if (changes.name !== undefined) await record({ type: "user.changed", subject: id, meta: { fields: ["name"] } });
    if (changes.role !== undefined) {
      await record({ type: "user.role_changed", subject: id, meta: { from: row.role, to: changes.role } });
      await revokeUserSessions(tx, record, now, id, "role_changed");
    }
    if (changes.disabled === true) {
      await record({ type: "user.disabled", subject: id });
      await revokeUserSessions(tx, record, now, id, "disabled");
    }
    if (changes.disabled === false) await record({ type: "user.enabled", subject: id });
    return toUserView(updated);
  });
}
