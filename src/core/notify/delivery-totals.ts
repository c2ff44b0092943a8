import type { Queries } from "../store.ts";

/** Notification deliveries by status over every channel (for /metrics). */
export async function deliveryTotals(q: Pick<Queries, "notify">): Promise<Record<string, number>> {
  const totals: Record<string, number> = { pending: 0, delivered: 0, failed: 0 };
  for (const row of await q.notify.deliveryCounts()) totals[row.status] = (totals[row.status] ?? 0) + row.n;
  return totals;
}
