import type { Ctx } from "../context.ts";
import { requireStreamReader } from "./access.ts";
import type { StreamView } from "./schemas.ts";
import { streamViews } from "./stream-view.ts";

/** The audit-stream destinations with their cursors and lag (owner, admin, auditor). */
export async function listStreams({ ctx }: { ctx: Ctx }): Promise<StreamView[]> {
  requireStreamReader(ctx);
  return streamViews(ctx.store.read, ctx.clock.now());
}
