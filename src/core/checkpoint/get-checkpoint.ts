import type { Ctx, PublishedEvent } from "../context.ts";
import { notFound } from "../errors.ts";
import { requireAgent, type AgentActor } from "../run/access.ts";
import { manifestFor } from "../run/scope-check.ts";
import type { CheckpointViewT } from "../run/schemas.ts";
import { transact } from "../transact.ts";
import { parseInput } from "../validate.ts";
import { expireDue } from "./expiry.ts";
import { GetCheckpointInput } from "./schemas.ts";
import { checkpointView } from "./view.ts";

const DECIDED = new Set(["checkpoint.approved", "checkpoint.rejected", "checkpoint.expired"]);

/**
 * The checkpoint as committed. One found due is expired first (lazily, as well as by the periodic
 * sweep), and the answer waits for that expiry to commit: nobody is told "expired" before it is.
 */
async function read(ctx: Ctx, actor: AgentActor, id: string): Promise<CheckpointViewT> {
  const row = await ctx.store.read.checkpoints.withRun(id);
  if (!row || row.ownerUserId !== actor.userId) throw notFound(`checkpoint '${id}'`);
  // A person's decision reason or summary may name a path hidden from the agent's role.
  const manifest = await manifestFor(ctx.store.read, row.projectId, actor.role);
  if (row.ck.status === "pending" && row.ck.expiresAt <= ctx.clock.now()) {
    await transact(ctx, (tx, record) => expireDue(tx, record, ctx.clock.now(), { checkpointId: id }));
    const after = await ctx.store.read.checkpoints.byId(id);
    return checkpointView(after!, manifest);
  }
  return checkpointView(row.ck, manifest);
}

/**
 * A checkpoint's state for the agent whose run it belongs to. With `wait_seconds` it long-polls:
 * it answers as soon as a decision lands (or the wait, at most 25 s, runs out, or the server
 * begins shutting down: the agent then polls again, on the next server).
 */
export async function getCheckpoint({ ctx, input, signal }: { ctx: Ctx; input: unknown; signal?: AbortSignal }): Promise<CheckpointViewT> {
  const actor = requireAgent(ctx);
  const data = parseInput(GetCheckpointInput, input);
  const waitMs = (data.wait_seconds ?? 0) * 1000;
  if (waitMs === 0) return await read(ctx, actor, data.checkpoint_id);

  // Subscribe before reading, so a decision landing in between is not missed.
  let wake: () => void = () => {};
  const decided = new Promise<void>((resolve) => (wake = resolve));
  const unsubscribe = ctx.bus.subscribe((event: PublishedEvent) => {
    if (event.subject === data.checkpoint_id && DECIDED.has(event.type)) wake();
  });
  let timer: ReturnType<typeof setTimeout> | undefined;
  const onAbort = () => wake();
  try {
    const first = await read(ctx, actor, data.checkpoint_id);
    if (first.status !== "pending" || ctx.shutdown.aborted) return first;
    const untilExpiry = Math.max(0, Date.parse(first.expires_at) - ctx.clock.now());
    signal?.addEventListener("abort", onAbort, { once: true });
    ctx.shutdown.addEventListener("abort", onAbort, { once: true });
    await Promise.race([decided, new Promise<void>((resolve) => (timer = setTimeout(resolve, Math.min(waitMs, untilExpiry + 10))))]);
    return await read(ctx, actor, data.checkpoint_id);
  } finally {
    unsubscribe();
    if (timer) clearTimeout(timer);
    signal?.removeEventListener("abort", onAbort);
    ctx.shutdown.removeEventListener("abort", onAbort);
  }
}
