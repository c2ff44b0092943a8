import { sha256Hex } from "../../lib/hash.ts";
import { isWellFormedPluginKey } from "../../lib/plugin-key-format.ts";
import { MINUTE } from "../../lib/time.ts";
import { recordRefusal } from "../audit/record-refusal.ts";
import { withActor, type Actor, type Services } from "../context.ts";
import { AppError } from "../errors.ts";
import { can } from "../roles.ts";

/**
 * lastUsedAt is bookkeeping: written at most once a minute per key, not on every request, with the
 * client address and the requests counted since (KeyUsage).
 */
export const LAST_USED_GRANULARITY_MS = MINUTE;

export type KeyRejection = "missing" | "malformed" | "unknown" | "revoked" | "expired" | "user_disabled" | "role_cannot_own_keys";

async function reject(services: Services, clientAddress: string, reason: KeyRejection, keyId: string | null): Promise<never> {
  await recordRefusal(withActor(services, { kind: "system", clientAddress }), "key.rejected", { reason }, { subject: keyId });
  throw new AppError("unauthenticated", "a valid plugin key is required (Authorization: Bearer ryd_…); create one in the web app under Keys");
}

/**
 * Resolves a presented plugin key to the agent actor acting for its user. Checked against the
 * database on every call (no caching), so revoked or expired keys fail on the very next request.
 * Throws `unauthenticated` (recording key.rejected with the reason, never the key) or
 * `rate_limited` with retryAfterSeconds when the key exceeds its per-minute budget.
 */
export async function authenticateKey(services: Services, presented: string | null, clientAddress: string): Promise<{ actor: Extract<Actor, { kind: "agent" }>; keyId: string }> {
  if (presented === null || presented === "") return await reject(services, clientAddress, "missing", null);
  if (!isWellFormedPluginKey(presented)) return await reject(services, clientAddress, "malformed", null);
  const row = await services.store.read.keys.authByHash(sha256Hex(presented));
  if (!row) return await reject(services, clientAddress, "unknown", null);
  const now = services.clock.now();
  if (row.revokedAt !== null) return await reject(services, clientAddress, "revoked", row.id);
  if (row.expiresAt !== null && row.expiresAt <= now) return await reject(services, clientAddress, "expired", row.id);
  if (row.disabled || row.erasedAt !== null) return await reject(services, clientAddress, "user_disabled", row.id);
  // A person demoted to auditor keeps their key rows, but auditors cannot own keys: refuse them.
  if (!can(row.role, "keys.own")) return await reject(services, clientAddress, "role_cannot_own_keys", row.id);

  const actor = Object.freeze({ kind: "agent" as const, keyId: row.id, userId: row.userId, role: row.role });
  const decision = await services.keyRateLimiter.hit(row.id, now);
  if (!decision.allowed) {
    if (decision.firstRefusal) {
      await recordRefusal(withActor(services, actor), "rate.limited", { limit: "key_per_minute", perMinute: services.options.keyRateLimitPerMinute }, { subject: row.id });
    }
    throw new AppError("rate_limited", `this key made more than ${services.options.keyRateLimitPerMinute} requests in a minute; retry in ${decision.retryAfterSeconds} seconds`, { retryAfterSeconds: decision.retryAfterSeconds });
  }
  services.keyUsage.count(row.id);
  if (row.lastUsedAt === null || now - row.lastUsedAt >= LAST_USED_GRANULARITY_MS) {
    const calls = services.keyUsage.take(row.id);
    await services.store.write((tx) => tx.keys.touch(row.id, now, clientAddress, calls));
  }
  return { actor, keyId: row.id };
}
