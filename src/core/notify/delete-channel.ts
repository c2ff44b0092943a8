import type { Ctx } from "../context.ts";
import { forbidden } from "../errors.ts";
import { transact } from "../transact.ts";
import { parseInput } from "../validate.ts";
import { loadChannel, requireChannelManager } from "./access.ts";
import { ChannelId } from "./schemas.ts";

/** Deletes a channel with its deliveries (pending ones are not sent). A channel allowed to reach loopback is the owner's to delete. */
export async function deleteChannel({ ctx, input }: { ctx: Ctx; input: { id: unknown } }): Promise<{ id: string; deleted: true }> {
  const actor = requireChannelManager(ctx);
  const id = parseInput(ChannelId, input.id);
  return transact(ctx, async (tx, record) => {
    const row = await loadChannel(tx, id);
    if (row.allowPrivateNetwork && actor.role !== "owner") throw forbidden("this channel may reach loopback addresses: only the owner deletes it");
    await tx.notify.deleteChannel(id);
    await record({ type: "channel.deleted", subject: id, meta: { kind: row.kind } });
    return { id, deleted: true as const };
  });
}
