import type { Ctx } from "../context.ts";
import { forbidden, notFound } from "../errors.ts";
import { can } from "../roles.ts";
import { transact } from "../transact.ts";
import { parseInput } from "../validate.ts";
import { KeyIdInput, type KeyView } from "./schemas.ts";
import { toKeyView } from "./list-keys.ts";

/**
 * Revokes a plugin key: one's own, or anyone's with `keys.revoke_others`. The key fails on its
 * very next request. Revoking a revoked key is a no-op that returns it unchanged.
 */
export async function revokeKey({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<KeyView> {
  const { id } = parseInput(KeyIdInput, input);
  const actor = ctx.actor;
  if (actor.kind === "agent") throw forbidden("agents cannot revoke plugin keys");
  return transact(ctx, async (tx, record) => {
    const row = await tx.keys.byId(id);
    // Someone who may not see a key is told it does not exist, not that it is someone else's.
    const mayTouch = row && (actor.kind === "system" || row.userId === actor.userId || can(actor.role, "keys.revoke_others"));
    if (!row || !mayTouch) throw notFound("key");
    if (row.revokedAt !== null) return toKeyView(row);
    const now = ctx.clock.now();
    const revokedBy = actor.kind === "human" ? actor.userId : null;
    await tx.keys.revoke(id, now, revokedBy);
    await record({ type: "key.revoked", subject: id, meta: { userId: row.userId, own: actor.kind === "human" && row.userId === actor.userId } });
    return toKeyView({ ...row, revokedAt: now });
  });
}
