import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

/**
 * Audit-stream destinations (DESIGN.md §12): where the trail is sent, what of it, and how far each
 * destination got. `acked_seq` is the durable cursor: every event up to it was acknowledged by the
 * receiver. `lease_owner`/`lease_until` make one node at a time deliver to a destination.
 */
export const auditStreams = sqliteTable("audit_streams", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  kind: text("kind", { enum: ["syslog", "otlp"] }).notNull(),
  /** tcp://host:port, tls://host:port (syslog) or http(s)://host:port/path (OTLP). */
  url: text("url").notNull(),
  /** PEM of the CA that signs the receiver's certificate (tls:// and https://); null: the system's. */
  caPem: text("ca_pem"),
  /** Event types to send (a trailing `*` matches a prefix); empty: all. */
  eventTypes: text("event_types", { mode: "json" }).$type<string[]>().notNull(),
  /** Project ids to send (events without a project are sent only when the list is empty); empty: all. */
  projectIds: text("project_ids", { mode: "json" }).$type<string[]>().notNull(),
  enabled: integer("enabled", { mode: "boolean" }).notNull(),
  /** "api" (Settings / REST) or "flag" (--audit-syslog / --audit-otlp, not editable). */
  source: text("source", { enum: ["api", "flag"] }).notNull(),
  ackedSeq: integer("acked_seq").notNull(),
  /** When the cursor last moved (ms). */
  ackedAt: integer("acked_at"),
  delivered: integer("delivered").notNull(),
  failures: integer("failures").notNull(),
  lastError: text("last_error"),
  lastErrorAt: integer("last_error_at"),
  /** No delivery attempt before this (ms): backoff after a failure. */
  retryAt: integer("retry_at").notNull(),
  leaseOwner: text("lease_owner"),
  leaseUntil: integer("lease_until").notNull(),
  createdAt: integer("created_at").notNull(),
  createdBy: text("created_by"),
  updatedAt: integer("updated_at").notNull(),
}, (t) => [
  index("audit_streams_enabled_idx").on(t.enabled),
]);
