import type { Queries } from "../store.ts";

/** How many audit events are stored (for the metrics gauge). */
export function countAuditEvents(q: Queries): Promise<number> {
  return q.audit.count();
}
