import type { Ctx } from "../context.ts";
import { channelView, projectSlugs, requireChannelManager } from "./access.ts";
import type { ChannelView } from "./schemas.ts";

/** Every channel with its delivery counts (owner and admin). A workspace keeps at most MAX_CHANNELS, so one page holds them all. */
export async function listChannels({ ctx }: { ctx: Ctx }): Promise<{ channels: ChannelView[]; total: number; nextCursor: null }> {
  requireChannelManager(ctx);
  const q = ctx.store.read;
  const [rows, counts, slugs] = await Promise.all([q.notify.channels(), q.notify.deliveryCounts(), projectSlugs(q)]);
  return { channels: rows.map((row) => channelView(row, slugs, counts)), total: rows.length, nextCursor: null };
}
