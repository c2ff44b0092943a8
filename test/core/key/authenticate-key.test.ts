import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { authenticateKey } from "../../../src/core/key/authenticate-key.ts";
import { createKey } from "../../../src/core/key/create-key.ts";
import { KeyRateLimiter, MAX_TRACKED_KEYS } from "../../../src/core/key/rate-limiter.ts";
import { revokeKey } from "../../../src/core/key/revoke-key.ts";
import { AppError } from "../../../src/core/errors.ts";
import { auditEvents, pluginKeys, users } from "../../../src/db/schema/index.ts";
import { DAY, MINUTE } from "../../../src/lib/time.ts";
import { formatPluginKey } from "../../../src/lib/plugin-key-format.ts";
import { createTestApp, seedUser, type TestApp } from "../../support/app.ts";

let app: TestApp;
beforeEach(() => {
  app = createTestApp({ "key-rate-limit": "5" });
});
afterEach(() => app.dispose());

function rejection(fn: () => unknown): AppError {
  try {
    fn();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error("expected a refusal");
}

const rejectedReasons = () =>
  app.store.read.select().from(auditEvents).where(eq(auditEvents.type, "key.rejected")).all().map((e) => JSON.parse(e.meta).reason);

describe("authenticateKey", () => {
  test("a fresh key resolves to an agent acting for its user, and lastUsedAt is written at most once a minute", async () => {
    const { user, actor } = await seedUser(app, "developer");
    const { id, key } = createKey({ ctx: app.ctx(actor), input: { name: "laptop" } });
    expect(authenticateKey(app.services, key, "10.0.0.1")).toEqual({ actor: { kind: "agent", keyId: id, userId: user.id, role: "developer" }, keyId: id });
    const first = app.store.read.select().from(pluginKeys).where(eq(pluginKeys.id, id)).get()!.lastUsedAt;
    expect(first).toBe(app.clock.now());
    app.clock.advance(30_000);
    authenticateKey(app.services, key, "10.0.0.1");
    expect(app.store.read.select().from(pluginKeys).where(eq(pluginKeys.id, id)).get()!.lastUsedAt).toBe(first);
    app.clock.advance(31_000);
    authenticateKey(app.services, key, "10.0.0.1");
    expect(app.store.read.select().from(pluginKeys).where(eq(pluginKeys.id, id)).get()!.lastUsedAt).toBe(app.clock.now());
  });

  test("missing, malformed and unknown keys are unauthenticated and audited by reason, never by value", async () => {
    const unknown = formatPluginKey(new Uint8Array(32).fill(7));
    for (const presented of [null, "", "ryd_short", unknown.slice(0, -1) + (unknown.endsWith("A") ? "B" : "A"), unknown]) {
      expect(rejection(() => authenticateKey(app.services, presented, "10.0.0.1")).code).toBe("unauthenticated");
    }
    expect(rejectedReasons()).toEqual(["missing", "missing", "malformed", "malformed", "unknown"]);
    const all = JSON.stringify(app.store.read.select().from(auditEvents).all());
    expect(all).not.toContain(unknown);
  });

  test("a revoked key fails on the very next request", async () => {
    const { actor } = await seedUser(app, "lead");
    const { id, key } = createKey({ ctx: app.ctx(actor), input: { name: "ci" } });
    authenticateKey(app.services, key, "x");
    revokeKey({ ctx: app.ctx(actor), input: { id } });
    expect(rejection(() => authenticateKey(app.services, key, "x")).code).toBe("unauthenticated");
    expect(rejectedReasons()).toEqual(["revoked"]);
  });

  test("an expired key fails once its expiry passes", async () => {
    const { actor } = await seedUser(app, "developer");
    const { key, expiresAt } = createKey({ ctx: app.ctx(actor), input: { name: "short", expiresDays: 1 } });
    expect(expiresAt).toBe(app.clock.now() + DAY);
    authenticateKey(app.services, key, "x");
    app.clock.advance(DAY);
    expect(rejection(() => authenticateKey(app.services, key, "x")).code).toBe("unauthenticated");
    expect(rejectedReasons()).toEqual(["expired"]);
  });

  test("a disabled user's keys fail, and so do keys of someone demoted to auditor", async () => {
    const { user, actor } = await seedUser(app, "developer");
    const { key } = createKey({ ctx: app.ctx(actor), input: { name: "a" } });
    app.store.write((tx) => tx.update(users).set({ disabled: true }).where(eq(users.id, user.id)).run());
    expect(rejection(() => authenticateKey(app.services, key, "x")).code).toBe("unauthenticated");
    app.store.write((tx) => tx.update(users).set({ disabled: false, role: "auditor" }).where(eq(users.id, user.id)).run());
    expect(rejection(() => authenticateKey(app.services, key, "x")).code).toBe("unauthenticated");
    expect(rejectedReasons()).toEqual(["user_disabled", "role_cannot_own_keys"]);
  });

  test("a key over its per-minute budget is rate_limited with retryAfterSeconds, audited once per window", async () => {
    const { actor } = await seedUser(app, "developer");
    const { key } = createKey({ ctx: app.ctx(actor), input: { name: "busy" } });
    const other = createKey({ ctx: app.ctx(actor), input: { name: "quiet" } }).key;
    for (let i = 0; i < 5; i++) authenticateKey(app.services, key, "x");
    app.clock.advance(20_000);
    const refused = rejection(() => authenticateKey(app.services, key, "x"));
    expect(refused.code).toBe("rate_limited");
    expect(refused.details?.retryAfterSeconds).toBe(40);
    rejection(() => authenticateKey(app.services, key, "x"));
    // Another key has its own budget.
    expect(authenticateKey(app.services, other, "x").keyId).toBeString();
    expect(app.store.read.select().from(auditEvents).where(eq(auditEvents.type, "rate.limited")).all()).toHaveLength(1);
    app.clock.advance(40_000);
    expect(authenticateKey(app.services, key, "x").keyId).toBeString();
  });

  test("an auditor cannot create a key", async () => {
    const { actor } = await seedUser(app, "auditor");
    expect(rejection(() => createKey({ ctx: app.ctx(actor), input: { name: "nope" } })).code).toBe("forbidden");
    expect(app.store.read.select().from(pluginKeys).all()).toHaveLength(0);
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
