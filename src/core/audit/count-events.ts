import { count } from "drizzle-orm";
import { auditEvents } from "../../db/schema/index.ts";
import type { Db } from "../../db/store.ts";

/** How many audit events are stored (for the metrics gauge). */
export function countAuditEvents(db: Db): number {
  return db.select({ n: count() }).from(auditEvents).get()?.n ?? 0;
}
