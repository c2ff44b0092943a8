import { eq } from "drizzle-orm";
import { pluginKeys, users } from "../../db/schema/index.ts";
import type { Store } from "../../db/store.ts";
import { sha256Hex } from "../../lib/hash.ts";
import { isWellFormedPluginKey } from "../../lib/plugin-key-format.ts";
import { MINUTE } from "../../lib/time.ts";
import { recordRefusal } from "../audit/record-refusal.ts";
import { withActor, type Actor, type Services } from "../context.ts";
import { AppError } from "../errors.ts";
import { can } from "../roles.ts";
import { KeyRateLimiter } from "./rate-limiter.ts";

/** lastUsedAt is bookkeeping: written at most once a minute per key, not on every request. */
export const LAST_USED_GRANULARITY_MS = MINUTE;

export type KeyRejection = "missing" | "malformed" | "unknown" | "revoked" | "expired" | "user_disabled" | "role_cannot_own_keys";

// One limiter per running app, found through its store (Ctx objects are copies of Services, the
// store is the shared instance), so tests with their own app never share counters.
const limiters = new WeakMap<Store, KeyRateLimiter>();

function limiterFor(services: Services): KeyRateLimiter {
  let limiter = limiters.get(services.store);
  if (!limiter) {
    limiter = new KeyRateLimiter(services.options.keyRateLimitPerMinute);
    limiters.set(services.store, limiter);
  }
  return limiter;
}

function reject(services: Services, clientAddress: string, reason: KeyRejection, keyId: string | null): never {
  recordRefusal(withActor(services, { kind: "system", clientAddress }), "key.rejected", { reason }, { subject: keyId });
  throw new AppError("unauthenticated", "a valid plugin key is required (Authorization: Bearer ryd_…); create one in the web app under Keys");
}

/**
 * Resolves a presented plugin key to the agent actor acting for its user. Checked against the
 * database on every call (no caching), so revoked or expired keys fail on the very next request.
 * Throws `unauthenticated` (recording key.rejected with the reason, never the key) or
 * `rate_limited` with retryAfterSeconds when the key exceeds its per-minute budget.
 */
export function authenticateKey(services: Services, presented: string | null, clientAddress: string): { actor: Extract<Actor, { kind: "agent" }>; keyId: string } {
  if (presented === null || presented === "") return reject(services, clientAddress, "missing", null);
  if (!isWellFormedPluginKey(presented)) return reject(services, clientAddress, "malformed", null);
  const db = services.store.read;
  const row = db.select({ id: pluginKeys.id, userId: pluginKeys.userId, expiresAt: pluginKeys.expiresAt, revokedAt: pluginKeys.revokedAt, lastUsedAt: pluginKeys.lastUsedAt })
    .from(pluginKeys).where(eq(pluginKeys.hash, sha256Hex(presented))).get();
  if (!row) return reject(services, clientAddress, "unknown", null);
  const now = services.clock.now();
  if (row.revokedAt !== null) return reject(services, clientAddress, "revoked", row.id);
  if (row.expiresAt !== null && row.expiresAt <= now) return reject(services, clientAddress, "expired", row.id);
  const user = db.select({ role: users.role, disabled: users.disabled, erasedAt: users.erasedAt }).from(users).where(eq(users.id, row.userId)).get();
  if (!user || user.disabled || user.erasedAt !== null) return reject(services, clientAddress, "user_disabled", row.id);
  // A person demoted to auditor keeps their key rows, but auditors cannot own keys: refuse them.
  if (!can(user.role, "keys.own")) return reject(services, clientAddress, "role_cannot_own_keys", row.id);

  const actor = Object.freeze({ kind: "agent" as const, keyId: row.id, userId: row.userId, role: user.role });
  const decision = limiterFor(services).hit(row.id, now);
  if (!decision.allowed) {
    if (decision.firstRefusal) {
      recordRefusal(withActor(services, actor), "rate.limited", { limit: "key_per_minute", perMinute: services.options.keyRateLimitPerMinute }, { subject: row.id });
    }
    throw new AppError("rate_limited", `this key made more than ${services.options.keyRateLimitPerMinute} requests in a minute; retry in ${decision.retryAfterSeconds} seconds`, { retryAfterSeconds: decision.retryAfterSeconds });
  }
  if (row.lastUsedAt === null || now - row.lastUsedAt >= LAST_USED_GRANULARITY_MS) {
    services.store.write((tx) => tx.update(pluginKeys).set({ lastUsedAt: now }).where(eq(pluginKeys.id, row.id)).run());
  }
  return { actor, keyId: row.id };
}
