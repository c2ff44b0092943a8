import { newId } from "../../lib/ids.ts";
import type { Ctx } from "../context.ts";
import { transact } from "../transact.ts";
import { parseInput } from "../validate.ts";
import { loadChannel, requireChannelManager } from "./access.ts";
import { renderMessage } from "./message.ts";
import { ChannelId } from "./schemas.ts";

/**
 * Queues a sample message on a channel (the Test button). It goes through the outbox and the
 * worker like any notification (same signing, same retries); its delivery shows in the channel's
 * deliveries with its outcome.
 */
export async function testChannel({ ctx, input, baseUrl }: { ctx: Ctx; input: { id: unknown }; baseUrl: string }): Promise<{ deliveryId: string }> {
  requireChannelManager(ctx);
  const id = parseInput(ChannelId, input.id);
  const now = ctx.clock.now();
  return transact(ctx, async (tx, record) => {
    const channel = await loadChannel(tx, id);
    const outboxId = newId("nob");
    const deliveryId = newId("dlv");
    await tx.notify.insertOutbox({ id: outboxId, kind: "channel.test", eventSeq: null, runId: null, projectId: null, checkpointId: null, meta: {}, dedupeKey: null, occurredAt: now, expandedAt: now });
    const message = renderMessage({ kind: "channel.test", meta: {}, occurredAt: now, project: null, run: null, checkpoint: null, askedBy: null, baseUrl, audience: channel.audienceRole });
    // A personal-only email channel has no team recipients: the test goes to the person who pressed Test.
    const self = channel.kind === "email" && ((channel.config.to as string[] | undefined) ?? []).length === 0 && ctx.actor.kind === "human"
      ? await tx.users.byId(ctx.actor.userId) : undefined;
    await tx.notify.insertDelivery({
      id: deliveryId, outboxId, channelId: id, userId: self?.id ?? null, address: self?.email ?? null, dedupe: `${outboxId}:${id}:-`, kind: "channel.test", message,
      status: "pending", attempts: 0, nextAttemptAt: now, leaseUntil: 0, lastError: null, lastAttemptAt: null, deliveredAt: null, createdAt: now,
    });
    await record({ type: "channel.tested", subject: id, meta: { kind: channel.kind, deliveryId } });
    return { deliveryId };
  });
}
