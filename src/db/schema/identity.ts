import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { sessions, users } from "./people.ts";

/**
 * Which single-sign-on identity belongs to which person: `provider` is `oidc` or `ldap`, `subject`
 * the identity there (`<issuer> <sub>` for OIDC, the entry's DN for LDAP). Created by just-in-time
 * provisioning or by the first SSO sign-in of an existing account with the same email.
 */
export const ssoIdentities = sqliteTable("sso_identities", {
  provider: text("provider", { enum: ["oidc", "ldap"] }).notNull(),
  subject: text("subject").notNull(),
  userId: text("user_id").notNull().references(() => users.id),
  createdAt: integer("created_at").notNull(),
  lastLoginAt: integer("last_login_at").notNull(),
}, (t) => [primaryKey({ columns: [t.provider, t.subject] }), index("sso_identities_user_idx").on(t.userId)]);

/**
 * A session that came from single sign-on: what the renewal re-checks with the identity provider
 * (the OIDC refresh token sealed with the session key, never in clear; for LDAP the entry's DN).
 */
export const ssoSessions = sqliteTable("sso_sessions", {
  sessionId: text("session_id").primaryKey().references(() => sessions.id),
  provider: text("provider", { enum: ["oidc", "ldap"] }).notNull(),
  subject: text("subject").notNull(),
  sealedRefreshToken: text("sealed_refresh_token"),
  /** Without a refresh token: the ID token's expiry, after which the next renewal ends the session. */
  vouchedUntil: integer("vouched_until"),
  checkedAt: integer("checked_at").notNull(),
});
