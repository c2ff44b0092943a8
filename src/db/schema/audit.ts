import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

/**
 * The append-only, hash-chained audit trail. Triggers (migration 0001) refuse UPDATE and DELETE
 * unless the retention purge has opened its window in `audit_purge_window`.
 */
export const auditEvents = sqliteTable("audit_events", {
  seq: integer("seq").primaryKey(),
  at: integer("at").notNull(),
  type: text("type").notNull(),
  actorKind: text("actor_kind", { enum: ["human", "agent", "system"] }).notNull(),
  actorId: text("actor_id"),
  /** For agents: the user the key belongs to. */
  actorUserId: text("actor_user_id"),
  runId: text("run_id"),
  projectId: text("project_id"),
  subject: text("subject"),
  meta: text("meta").notNull(),
  prevHash: text("prev_hash").notNull(),
  hash: text("hash").notNull(),
  /** The W3C traceparent of the MCP request that caused the event (null otherwise); see canonicalEvent. */
  traceParent: text("trace_parent"),
}, (t) => [
  index("audit_events_type_idx").on(t.type, t.seq),
  index("audit_events_run_idx").on(t.runId, t.seq),
  index("audit_events_actor_idx").on(t.actorId, t.seq),
  index("audit_events_at_idx").on(t.at),
]);

/** A one-row switch the retention purge sets inside its own transaction to let DELETE through. */
export const auditPurgeWindow = sqliteTable("audit_purge_window", {
  id: integer("id").primaryKey(),
  open: integer("open").notNull(),
});
