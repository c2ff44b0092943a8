import type { Ctx } from "../context.ts";
import { forbidden } from "../errors.ts";
import { can } from "../roles.ts";
import { parseInput } from "../validate.ts";
import type { KeyRow } from "./queries.ts";
import { ListKeysInput, type KeyView } from "./schemas.ts";

/** The key as it leaves the core; `pendingCalls` are this node's requests not yet written. */
export function toKeyView(row: KeyRow, pendingCalls = 0): KeyView {
  return {
    id: row.id, userId: row.userId, name: row.name, hint: row.hint, createdAt: row.createdAt, expiresAt: row.expiresAt, lastUsedAt: row.lastUsedAt, revokedAt: row.revokedAt,
    lastAddress: row.lastAddress, client: row.clientName === null ? null : { name: row.clientName, version: row.clientVersion }, calls: row.calls + pendingCalls,
  };
}

/** The caller's own keys, newest first; with `all` (keys.revoke_others roles) everyone's. */
export async function listKeys({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<KeyView[]> {
  const { all } = parseInput(ListKeysInput, input ?? {});
  const actor = ctx.actor;
  if (actor.kind !== "human") throw forbidden("only people list plugin keys");
  if (all && !can(actor.role, "keys.revoke_others")) throw forbidden("your role can only list its own keys");
  return (await ctx.store.read.keys.list(all ? null : actor.userId)).map((row) => toKeyView(row, ctx.keyUsage.pending(row.id)));
}
