import type { Ctx } from "../context.ts";
import { conflict, invalid, notFound } from "../errors.ts";
import { transact } from "../transact.ts";
import { parseInput } from "../validate.ts";
import { requireStreamManager } from "./access.ts";
import { StreamIdInput, StreamPatchInput, type StreamView } from "./schemas.ts";
import { checkCaPem, checkEventTypes, checkProjectIds, checkStreamUrl } from "./stream-config.ts";
import { streamLag, toStreamView } from "./stream-view.ts";

const sameList = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * Changes a destination (owner only): name, address (same kind), CA, filters, enabled. The cursor
 * stays where it is, so nothing is skipped or sent twice by the change. Destinations set by start
 * flags are changed with the flags.
 */
export async function updateStream({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<StreamView> {
  requireStreamManager(ctx);
  const { id, ...patchInput } = (input ?? {}) as { id?: unknown };
  const { id: streamId } = parseInput(StreamIdInput, { id });
  const patch = parseInput(StreamPatchInput, patchInput);
  return transact(ctx, async (tx, record) => {
    const row = await tx.streams.byId(streamId);
    if (!row) throw notFound("audit-stream destination");
    if (row.source === "flag") throw conflict("this destination is set by a start flag (--audit-syslog / --audit-otlp); change the flag and restart");
    const address = checkStreamUrl(patch.url ?? row.url);
    if (address.kind !== row.kind) throw invalid(`url: a ${row.kind} destination stays ${row.kind}; add a new destination for ${address.kind}`, { fields: ["url"] });
    const caPem = checkCaPem(address, patch.caPem === undefined ? row.caPem : patch.caPem);
    const eventTypes = patch.eventTypes ? checkEventTypes(patch.eventTypes) : row.eventTypes;
    const projectIds = patch.projectIds ? await checkProjectIds(tx, patch.projectIds) : row.projectIds;
    const next = { name: patch.name ?? row.name, url: address.url, caPem, eventTypes, projectIds, enabled: patch.enabled ?? row.enabled, updatedAt: ctx.clock.now() };
    const fields = [
      next.name !== row.name && "name", next.url !== row.url && "url", next.caPem !== row.caPem && "caPem", !sameList(next.eventTypes, row.eventTypes) && "eventTypes",
      !sameList(next.projectIds, row.projectIds) && "projectIds", next.enabled !== row.enabled && "enabled",
    ].filter((f): f is string => f !== false);
    if (fields.length === 0) return toStreamView(row, await streamLag(tx, row, (await tx.audit.head())?.seq ?? 0, ctx.clock.now()));
    await tx.streams.configure(row.id, next);
    await record({ type: "audit_stream.changed", subject: row.id, meta: { kind: row.kind, fields, enabled: next.enabled, eventTypes: next.eventTypes.length, projects: next.projectIds.length } });
    const updated = { ...row, ...next, failures: 0, retryAt: 0 };
    return toStreamView(updated, await streamLag(tx, updated, (await tx.audit.head())?.seq ?? 0, ctx.clock.now()));
  });
}
