import { decodeCursor, encodeCursor } from "../paging.ts";
import type { Ctx } from "../context.ts";
import { parseInput } from "../validate.ts";
import { loadChannel, requireChannelManager } from "./access.ts";
import type { DeliveryRow } from "./queries.ts";
import { ListDeliveriesInput, type DeliveryView } from "./schemas.ts";

export function deliveryView(row: DeliveryRow): DeliveryView {
  return {
    id: row.id, kind: row.kind, status: row.status, attempts: row.attempts, userId: row.userId, lastError: row.lastError, createdAt: row.createdAt,
    lastAttemptAt: row.lastAttemptAt, nextAttemptAt: row.status === "pending" ? row.nextAttemptAt : null, deliveredAt: row.deliveredAt,
  };
}

/** A channel's deliveries, newest first (?status=failed: the final failures, with the HTTP status or SMTP reply). */
export async function listDeliveries({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<{ deliveries: DeliveryView[]; total: number; nextCursor: string | null }> {
  requireChannelManager(ctx);
  const data = parseInput(ListDeliveriesInput, input);
  const q = ctx.store.read;
  await loadChannel(q, data.id);
  const limit = data.limit ?? 50;
  const after = data.cursor ? decodeCursor(data.cursor) : null;
  const [rows, total] = await Promise.all([
    q.notify.channelDeliveries(data.id, data.status ?? null, after ? { createdAt: after.key, id: after.id } : null, limit + 1),
    q.notify.countChannelDeliveries(data.id, data.status ?? null),
  ]);
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return { deliveries: page.map(deliveryView), total, nextCursor: rows.length > limit && last ? encodeCursor({ key: last.createdAt, id: last.id }) : null };
}
