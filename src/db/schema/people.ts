import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

export const users = sqliteTable("users", {
  id: text("id").primaryKey(),
  email: text("email").notNull(),
  name: text("name").notNull(),
  passwordHash: text("password_hash").notNull(),
  role: text("role", { enum: ["owner", "admin", "lead", "developer", "auditor"] }).notNull(),
  disabled: integer("disabled", { mode: "boolean" }).notNull().default(false),
  createdAt: integer("created_at").notNull(),
  updatedAt: integer("updated_at").notNull(),
  erasedAt: integer("erased_at"),
}, (t) => [uniqueIndex("users_email_unique").on(t.email)]);

/** Server-side session records: the JWT carries the id, so logout and role changes revoke at once. */
export const sessions = sqliteTable("sessions", {
  id: text("id").primaryKey(),
  userId: text("user_id").notNull().references(() => users.id),
  createdAt: integer("created_at").notNull(),
  lastSeenAt: integer("last_seen_at").notNull(),
  expiresAt: integer("expires_at").notNull(),
  revokedAt: integer("revoked_at"),
  clientAddress: text("client_address"),
}, (t) => [index("sessions_user_idx").on(t.userId)]);

/** One-time first-run setup tokens (hash only). */
export const setupTokens = sqliteTable("setup_tokens", {
  tokenHash: text("token_hash").primaryKey(),
  createdAt: integer("created_at").notNull(),
  expiresAt: integer("expires_at").notNull(),
  usedAt: integer("used_at"),
});

/**
 * One-time password reset links an admin (or `railyard users reset-password`) issued, also the
 * link an invited person sets their first password with (hash only; valid one hour, works once).
 */
export const passwordResetTokens = sqliteTable("password_reset_tokens", {
  tokenHash: text("token_hash").primaryKey(),
  userId: text("user_id").notNull().references(() => users.id),
  createdAt: integer("created_at").notNull(),
  expiresAt: integer("expires_at").notNull(),
  usedAt: integer("used_at"),
}, (t) => [index("password_reset_tokens_user_idx").on(t.userId)]);

/** Failed-login counters per account and per client address, for exponential back-off. */
export const loginThrottle = sqliteTable("login_throttle", {
  subject: text("subject").primaryKey(),
  failures: integer("failures").notNull(),
  lockedUntil: integer("locked_until").notNull(),
  updatedAt: integer("updated_at").notNull(),
});

export const pluginKeys = sqliteTable("plugin_keys", {
  id: text("id").primaryKey(),
  userId: text("user_id").notNull().references(() => users.id),
  name: text("name").notNull(),
  /** SHA-256 hex of the plaintext key; the plaintext is never stored. */
  hash: text("hash").notNull(),
  /** The first characters of the key, enough for a person to recognise it. */
  hint: text("hint").notNull(),
  createdAt: integer("created_at").notNull(),
  expiresAt: integer("expires_at"),
  lastUsedAt: integer("last_used_at"),
  revokedAt: integer("revoked_at"),
  revokedBy: text("revoked_by"),
  /** The client address of the last recorded use (written with lastUsedAt, at most once a minute). */
  lastAddress: text("last_address"),
  /** The MCP client's own name and version (clientInfo) as it last announced itself. */
  clientName: text("client_name"),
  clientVersion: text("client_version"),
  /** Requests authenticated with the key, added up per node and written with lastUsedAt. */
  calls: integer("calls").notNull().default(0),
}, (t) => [uniqueIndex("plugin_keys_hash_unique").on(t.hash), index("plugin_keys_user_idx").on(t.userId)]);

/** Owner settings (scanner policy, retention, …) as JSON values. */
export const settings = sqliteTable("settings", {
  key: text("key").primaryKey(),
  value: text("value", { mode: "json" }).notNull(),
  updatedAt: integer("updated_at").notNull(),
  updatedBy: text("updated_by"),
});
