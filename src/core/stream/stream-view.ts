import type { Queries } from "../store.ts";
import type { StreamRow } from "./queries.ts";
import type { StreamLag, StreamView } from "./schemas.ts";

/** How far `row` is behind a trail whose newest seq is `headSeq`, at time `now`. */
export async function streamLag(q: Pick<Queries, "streams">, row: Pick<StreamRow, "ackedSeq">, headSeq: number, now: number): Promise<StreamLag> {
  const events = Math.max(0, headSeq - row.ackedSeq);
  if (events === 0) return { events: 0, seconds: 0 };
  const oldest = await q.streams.eventAtAfter(row.ackedSeq);
  return { events, seconds: oldest === undefined ? 0 : Math.max(0, Math.round((now - oldest) / 1000)) };
}

export function toStreamView(row: StreamRow, lag: StreamLag): StreamView {
  return {
    id: row.id, name: row.name, kind: row.kind, url: row.url, caPem: row.caPem, eventTypes: row.eventTypes, projectIds: row.projectIds,
    enabled: row.enabled, source: row.source, ackedSeq: row.ackedSeq, ackedAt: row.ackedAt, delivered: row.delivered, failures: row.failures,
    lastError: row.lastError, lastErrorAt: row.lastErrorAt, retryAt: row.failures > 0 ? row.retryAt : null, lag, createdAt: row.createdAt, updatedAt: row.updatedAt,
  };
}

/** Every destination with its lag (Settings, the API and /metrics). */
export async function streamViews(q: Pick<Queries, "streams" | "audit">, now: number): Promise<StreamView[]> {
  const [rows, head] = await Promise.all([q.streams.all(), q.audit.head()]);
  const views: StreamView[] = [];
  for (const row of rows) views.push(toStreamView(row, await streamLag(q, row, head?.seq ?? 0, now)));
  return views;
}
