import type { StreamKind } from "../../lib/stream-url.ts";
import type { Ctx } from "../context.ts";
import { transact } from "../transact.ts";
import { requireStreamManager } from "./access.ts";
import { insertStream } from "./create-stream.ts";
import { checkCaPem, checkStreamUrl } from "./stream-config.ts";

/** A destination given on the command line (--audit-syslog URL [--audit-syslog-ca FILE], --audit-otlp URL). */
export interface FlagStream {
  readonly url: string;
  readonly caPem: string | null;
}

const FLAG_NAMES: Readonly<Record<StreamKind, string>> = Object.freeze({ syslog: "--audit-syslog", otlp: "--audit-otlp" });

/**
 * Makes the flag-configured destinations match the flags at start (one per kind): a new flag adds
 * a destination from the oldest retained event; a changed address or CA is applied with the cursor
 * kept; a flag no longer given disables its destination (the cursor is kept for its return).
 */
export async function ensureFlagStreams(ctx: Ctx, flags: Readonly<Partial<Record<StreamKind, FlagStream>>>): Promise<void> {
  requireStreamManager(ctx);
  const wanted = (Object.keys(FLAG_NAMES) as StreamKind[]).map((kind) => {
    const flag = flags[kind];
    if (!flag) return { kind, spec: null };
    const address = checkStreamUrl(flag.url);
    return { kind, spec: { url: address.url, caPem: checkCaPem(address, flag.caPem) } };
  });
  const existing = await ctx.store.read.streams.all();
  const needsWrite = wanted.some(({ kind, spec }) => {
    const row = existing.find((r) => r.source === "flag" && r.kind === kind);
    return spec ? !row || row.url !== spec.url || row.caPem !== spec.caPem || !row.enabled : row?.enabled === true;
  });
  if (!needsWrite) return;
  await transact(ctx, async (tx, record) => {
    for (const { kind, spec } of wanted) {
      const row = (await tx.streams.all()).find((r) => r.source === "flag" && r.kind === kind);
      if (spec && !row) {
        await insertStream(tx, record, ctx, { name: `${kind} (${FLAG_NAMES[kind]})`, kind, url: spec.url, caPem: spec.caPem, eventTypes: [], projectIds: [], enabled: true, source: "flag", startAt: "oldest" });
        continue;
      }
      if (!row) continue;
      const next = spec ? { url: spec.url, caPem: spec.caPem, enabled: true } : { url: row.url, caPem: row.caPem, enabled: false };
      const fields = [next.url !== row.url && "url", next.caPem !== row.caPem && "caPem", next.enabled !== row.enabled && "enabled"].filter((f): f is string => f !== false);
      if (fields.length === 0) continue;
      await tx.streams.configure(row.id, { name: row.name, eventTypes: row.eventTypes, projectIds: row.projectIds, ...next, updatedAt: ctx.clock.now() });
      await record({ type: "audit_stream.changed", subject: row.id, meta: { kind, fields, enabled: next.enabled, eventTypes: row.eventTypes.length, projects: row.projectIds.length } });
    }
  });
}
