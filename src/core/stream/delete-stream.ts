import type { Ctx } from "../context.ts";
import { conflict, notFound } from "../errors.ts";
import { transact } from "../transact.ts";
import { parseInput } from "../validate.ts";
import { requireStreamManager } from "./access.ts";
import { StreamIdInput } from "./schemas.ts";

/** Removes a destination and its cursor (owner only). A batch in flight may still arrive once. */
export async function deleteStream({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<{ id: string; deleted: true }> {
  requireStreamManager(ctx);
  const { id } = parseInput(StreamIdInput, input);
  return transact(ctx, async (tx, record) => {
    const row = await tx.streams.byId(id);
    if (!row) throw notFound("audit-stream destination");
    if (row.source === "flag") throw conflict("this destination is set by a start flag (--audit-syslog / --audit-otlp); remove the flag and restart");
    await tx.streams.remove(id);
    await record({ type: "audit_stream.deleted", subject: id, meta: { kind: row.kind, ackedSeq: row.ackedSeq, delivered: row.delivered } });
    return { id, deleted: true as const };
  });
}
