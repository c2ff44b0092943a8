import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

/**
 * Notification channels an owner or admin configured (DESIGN §10). `config` holds what may be
 * shown (a webhook URL, an SMTP host); `secretSealed` the write-only part (signing secret, Slack or
 * Teams URL, ntfy token, SMTP password), sealed with a key derived from the data dir's audit key.
 */
export const notificationChannels = sqliteTable("notification_channels", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  kind: text("kind", { enum: ["webhook", "slack", "teams", "ntfy", "email"] }).notNull(),
  enabled: integer("enabled", { mode: "boolean" }).notNull(),
  /** Notification kinds this channel receives as a team channel (empty: personal relay only). */
  events: text("events", { mode: "json" }).$type<string[]>().notNull(),
  /** Project ids it is limited to (empty: every project). */
  projectIds: text("project_ids", { mode: "json" }).$type<string[]>().notNull(),
  /** The role its messages are masked for (a team channel's readers are not known one by one). */
  audienceRole: text("audience_role", { enum: ["owner", "admin", "lead", "developer", "auditor"] }).notNull(),
  /** Email and ntfy: also carries people's personal notifications (their address or topic). */
  personal: integer("personal", { mode: "boolean" }).notNull(),
  /** The owner's explicit permission to reach a loopback or link-local address (SSRF guard). */
  allowPrivateNetwork: integer("allow_private_network", { mode: "boolean" }).notNull(),
  config: text("config", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
  secretSealed: text("secret_sealed"),
  createdAt: integer("created_at").notNull(),
  updatedAt: integer("updated_at").notNull(),
  updatedBy: text("updated_by"),
});

/** What each person receives (no row: the defaults). */
export const notificationPreferences = sqliteTable("notification_preferences", {
  userId: text("user_id").primaryKey(),
  events: text("events", { mode: "json" }).$type<string[]>().notNull(),
  email: integer("email", { mode: "boolean" }).notNull(),
  /** A topic on the workspace's personal ntfy channel, or null. */
  ntfyTopic: text("ntfy_topic"),
  updatedAt: integer("updated_at").notNull(),
});

/**
 * The outbox: one row per notifiable event, written in the same transaction as the event; the
 * worker turns it into deliveries. `dedupeKey` keeps one "expiring soon" row per checkpoint.
 */
export const notificationOutbox = sqliteTable("notification_outbox", {
  id: text("id").primaryKey(),
  kind: text("kind").notNull(),
  eventSeq: integer("event_seq"),
  runId: text("run_id"),
  projectId: text("project_id"),
  checkpointId: text("checkpoint_id"),
  meta: text("meta", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
  dedupeKey: text("dedupe_key"),
  occurredAt: integer("occurred_at").notNull(),
  expandedAt: integer("expanded_at"),
}, (t) => [uniqueIndex("notification_outbox_dedupe_unique").on(t.dedupeKey), index("notification_outbox_expanded_idx").on(t.expandedAt, t.occurredAt)]);

/** One message to one destination. Its id is the delivery id every retry carries. */
export const notificationDeliveries = sqliteTable("notification_deliveries", {
  id: text("id").primaryKey(),
  outboxId: text("outbox_id").notNull(),
  channelId: text("channel_id").notNull(),
  /** The person it is for (personal deliveries), or null for a team channel. */
  userId: text("user_id"),
  /** Personal email address or ntfy topic; null for a team channel. */
  address: text("address"),
  /** `outboxId:channelId:userId`: two workers expanding one outbox row insert one delivery. */
  dedupe: text("dedupe").notNull(),
  kind: text("kind").notNull(),
  /** The rendered message, masked for its audience, identical on every retry. */
  message: text("message", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
  status: text("status", { enum: ["pending", "delivered", "failed"] }).notNull(),
  attempts: integer("attempts").notNull(),
  nextAttemptAt: integer("next_attempt_at").notNull(),
  leaseUntil: integer("lease_until").notNull(),
  /** The last failure: an HTTP status or SMTP reply, never a secret. */
  lastError: text("last_error"),
  lastAttemptAt: integer("last_attempt_at"),
  deliveredAt: integer("delivered_at"),
  createdAt: integer("created_at").notNull(),
}, (t) => [
  uniqueIndex("notification_deliveries_dedupe_unique").on(t.dedupe),
  index("notification_deliveries_due_idx").on(t.status, t.nextAttemptAt),
  index("notification_deliveries_channel_idx").on(t.channelId, t.status, t.createdAt),
]);
