import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { authenticateKey } from "../../../src/core/key/authenticate-key.ts";
import { createKey } from "../../../src/core/key/create-key.ts";
import { KeyRateLimiter, MAX_TRACKED_KEYS } from "../../../src/core/key/rate-limiter.ts";
import { revokeKey } from "../../../src/core/key/revoke-key.ts";
import { AppError } from "../../../src/core/errors.ts";
import type { UserProfile } from "../../../src/core/user/queries.ts";
import { DAY, MINUTE } from "../../../src/lib/time.ts";
import { formatPluginKey } from "../../../src/lib/plugin-key-format.ts";
import { createTestApp, seedUser, type TestApp } from "../../support/app.ts";
import { countEvents, eventsOf, trailText } from "../../support/audit.ts";

let app: TestApp;
beforeEach(async () => {
  app = await createTestApp({ "key-rate-limit": "5" });
});
afterEach(() => app.dispose());

async function rejection(attempt: Promise<unknown>): Promise<AppError> {
  try {
    await attempt;
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error("expected a refusal");
}

const rejectedReasons = () => eventsOf(app, "key.rejected").map((e) => e.meta.reason);
const lastUsedAt = async (id: string) => (await app.store.read.keys.byId(id))!.lastUsedAt;

/** Changes a person's row directly (no session or key side effects), as a concurrent change would. */
async function overwriteUser(id: string, change: Partial<Pick<UserProfile, "role" | "disabled">>) {
  const row = (await app.store.read.users.byId(id))!;
  await app.store.write((tx) => tx.users.setProfile({ id, name: row.name, role: row.role, disabled: row.disabled, updatedAt: app.clock.now(), ...change }));
}

describe("authenticateKey", () => {
  test("a fresh key resolves to an agent acting for its user, and lastUsedAt is written at most once a minute", async () => {
    const { user, actor } = await seedUser(app, "developer");
    const { id, key } = await createKey({ ctx: app.ctx(actor), input: { name: "laptop" } });
    expect(await authenticateKey(app.services, key, "10.0.0.1")).toEqual({ actor: { kind: "agent", keyId: id, userId: user.id, role: "developer" }, keyId: id });
    const first = await lastUsedAt(id);
    expect(first).toBe(app.clock.now());
    app.clock.advance(30_000);
    await authenticateKey(app.services, key, "10.0.0.1");
    expect(await lastUsedAt(id)).toBe(first);
    app.clock.advance(31_000);
    await authenticateKey(app.services, key, "10.0.0.1");
    expect(await lastUsedAt(id)).toBe(app.clock.now());
  });

  test("missing, malformed and unknown keys are unauthenticated and audited by reason, never by value", async () => {
    const unknown = formatPluginKey(new Uint8Array(32).fill(7));
    for (const presented of [null, "", "ryd_short", unknown.slice(0, -1) + (unknown.endsWith("A") ? "B" : "A"), unknown]) {
      expect((await rejection(authenticateKey(app.services, presented, "10.0.0.1"))).code).toBe("unauthenticated");
    }
    expect(rejectedReasons()).toEqual(["missing", "missing", "malformed", "malformed", "unknown"]);
    expect(trailText(app)).not.toContain(unknown);
  });

  test("a revoked key fails on the very next request", async () => {
    const { actor } = await seedUser(app, "lead");
    const { id, key } = await createKey({ ctx: app.ctx(actor), input: { name: "ci" } });
    await authenticateKey(app.services, key, "x");
    await revokeKey({ ctx: app.ctx(actor), input: { id } });
    expect((await rejection(authenticateKey(app.services, key, "x"))).code).toBe("unauthenticated");
    expect(rejectedReasons()).toEqual(["revoked"]);
  });

  test("an expired key fails once its expiry passes", async () => {
    const { actor } = await seedUser(app, "developer");
    const { key, expiresAt } = await createKey({ ctx: app.ctx(actor), input: { name: "short", expiresDays: 1 } });
    expect(expiresAt).toBe(app.clock.now() + DAY);
    await authenticateKey(app.services, key, "x");
    app.clock.advance(DAY);
    expect((await rejection(authenticateKey(app.services, key, "x"))).code).toBe("unauthenticated");
    expect(rejectedReasons()).toEqual(["expired"]);
  });

  test("a disabled user's keys fail, and so do keys of someone demoted to auditor", async () => {
    const { user, actor } = await seedUser(app, "developer");
    const { key } = await createKey({ ctx: app.ctx(actor), input: { name: "a" } });
    await overwriteUser(user.id, { disabled: true });
    expect((await rejection(authenticateKey(app.services, key, "x"))).code).toBe("unauthenticated");
    await overwriteUser(user.id, { disabled: false, role: "auditor" });
    expect((await rejection(authenticateKey(app.services, key, "x"))).code).toBe("unauthenticated");
    expect(rejectedReasons()).toEqual(["user_disabled", "role_cannot_own_keys"]);
  });

  test("a key over its per-minute budget is rate_limited with retryAfterSeconds, audited once per window", async () => {
    const { actor } = await seedUser(app, "developer");
    const { key } = await createKey({ ctx: app.ctx(actor), input: { name: "busy" } });
    const other = (await createKey({ ctx: app.ctx(actor), input: { name: "quiet" } })).key;
    for (let i = 0; i < 5; i++) await authenticateKey(app.services, key, "x");
    app.clock.advance(20_000);
    const refused = await rejection(authenticateKey(app.services, key, "x"));
    expect(refused.code).toBe("rate_limited");
    expect(refused.details?.retryAfterSeconds).toBe(40);
    expect((await rejection(authenticateKey(app.services, key, "x"))).code).toBe("rate_limited");
    // Another key has its own budget.
    expect((await authenticateKey(app.services, other, "x")).keyId).toBeString();
    expect(countEvents(app, "rate.limited")).toBe(1);
    app.clock.advance(40_000);
    expect((await authenticateKey(app.services, key, "x")).keyId).toBeString();
  });

  test("an auditor cannot create a key", async () => {
    const { actor } = await seedUser(app, "auditor");
    expect((await rejection(createKey({ ctx: app.ctx(actor), input: { name: "nope" } }))).code).toBe("forbidden");
    expect(await app.store.read.keys.list(null)).toHaveLength(0);
  });
});

describe("key rate limiter", () => {
  test("memory stays bounded however many keys are seen", () => {
    const limiter = new KeyRateLimiter(10);
    for (let i = 0; i < MAX_TRACKED_KEYS + 500; i++) limiter.hit(`key_${i}`, 0);
    expect(limiter.size).toBeLessThanOrEqual(MAX_TRACKED_KEYS);
    for (let i = 0; i < 100; i++) limiter.hit(`late_${i}`, 2 * MINUTE);
    expect(limiter.size).toBe(100);
  });
});
