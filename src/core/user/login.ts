import { eq, inArray } from "drizzle-orm";
import { loginThrottle, users } from "../../db/schema/index.ts";
import type { Tx } from "../../db/store.ts";
import { newId } from "../../lib/ids.ts";
import { HOUR, MINUTE } from "../../lib/time.ts";
import { withActor, type Ctx } from "../context.ts";
import { AppError } from "../errors.ts";
import { getSettings } from "../setting/get-settings.ts";
import { transact } from "../transact.ts";
import { parseInput } from "../validate.ts";
import { dummyPasswordHash, verifyPassword } from "./password.ts";
import { LoginInput, toUserView, type UserView } from "./schemas.ts";
import { insertSession, signSessionToken, type SessionToken } from "./session.ts";

/** First lock after `loginMaxFailures` failures; each further failure doubles it, up to the cap. */
export const LOCK_BASE_MS = 30_000;
export const LOCK_MAX_MS = HOUR;
/** Counters of subjects with no failure for this long start again from zero. */
export const THROTTLE_FORGET_MS = HOUR;

/** The one answer for an unknown email, a wrong password and a disabled account (no enumeration). */
export const BAD_CREDENTIALS = "email or password is incorrect";

export interface LoginResult {
  readonly user: UserView;
  readonly sessionId: string;
  readonly session: SessionToken;
}

/** The lock duration after `failures` consecutive failures (0 while under the threshold). */
export function lockDurationMs(failures: number, maxFailures: number): number {
  if (failures < maxFailures) return 0;
  return Math.min(LOCK_BASE_MS * 2 ** Math.min(failures - maxFailures, 20), LOCK_MAX_MS);
}

function throttleSubjects(email: string, clientAddress: string): string[] {
  return [`account:${email}`, `address:${clientAddress}`];
}

/** The latest lock over the subjects (0 when none). */
function currentLock(tx: Tx, subjects: string[]): number {
  return Math.max(0, ...tx.select().from(loginThrottle).where(inArray(loginThrottle.subject, subjects)).all().map((l) => l.lockedUntil));
}

function lockedError(lockedUntil: number, now: number): AppError {
  const retryAfterSeconds = Math.max(1, Math.ceil((lockedUntil - now) / 1000));
  return new AppError("rate_limited", `too many failed sign-ins; try again in ${retryAfterSeconds} seconds`, { retryAfterSeconds });
}

function bumpFailures(tx: Tx, subject: string, now: number, maxFailures: number): number {
  const row = tx.select().from(loginThrottle).where(eq(loginThrottle.subject, subject)).get();
  const previous = row && now - row.updatedAt < THROTTLE_FORGET_MS ? row.failures : 0;
  const failures = previous + 1;
  const lockedUntil = now + lockDurationMs(failures, maxFailures);
  tx.insert(loginThrottle).values({ subject, failures, lockedUntil, updatedAt: now })
    .onConflictDoUpdate({ target: loginThrottle.subject, set: { failures, lockedUntil, updatedAt: now } }).run();
  return lockedUntil;
}

/**
 * Signs a person in: throttled per account and per client address (exponential back-off after
 * settings.loginMaxFailures failures, answered `rate_limited` with retryAfterSeconds). Unknown
 * emails are verified against a dummy hash so they cost the same time and get the same answer as
 * a wrong password. Creates a session row and returns its signed token.
 */
export async function login({ ctx, input, clientAddress }: { ctx: Ctx; input: unknown; clientAddress: string }): Promise<LoginResult> {
  const { email, password } = parseInput(LoginInput, input);
  const systemCtx = withActor(ctx, { kind: "system", clientAddress });
  const subjects = throttleSubjects(email, clientAddress);
  const now = ctx.clock.now();

  const locks = ctx.store.read.select().from(loginThrottle).where(inArray(loginThrottle.subject, subjects)).all();
  const lockedUntil = Math.max(0, ...locks.map((l) => l.lockedUntil));
  if (lockedUntil > now) {
    const retryAfterSeconds = Math.ceil((lockedUntil - now) / 1000);
    transact(systemCtx, (_tx, record) => record({ type: "auth.login_locked", meta: { scope: locks.filter((l) => l.lockedUntil > now).map((l) => l.subject.split(":")[0]!), retryAfterSeconds } }));
    throw lockedError(lockedUntil, now);
  }

  const user = ctx.store.read.select().from(users).where(eq(users.email, email)).get();
  // Always run bcrypt, against a dummy hash when there is no such account, so timing says nothing.
  const matches = await verifyPassword(password, user?.passwordHash ?? (await dummyPasswordHash()));
  const usable = user !== undefined && matches && !user.disabled && user.erasedAt === null;

  // Concurrent attempts all pass the check above before any of them is counted (bcrypt awaits), so
  // the lock is checked again once the password is verified: a lock set meanwhile by the others
  // refuses this attempt too, with the same answer whether or not its password matched.
  if (!usable) {
    const maxFailures = getSettings(ctx.store.read).loginMaxFailures;
    const lockedBefore = transact(systemCtx, (tx, record) => {
      const t = ctx.clock.now();
      const before = currentLock(tx, subjects);
      const until = Math.max(...subjects.map((s) => bumpFailures(tx, s, t, maxFailures)));
      const reason = user === undefined ? "unknown_account" : user.disabled || user.erasedAt !== null ? "disabled" : "bad_password";
      record({ type: "auth.login_failed", subject: user?.id ?? null, meta: { reason } });
      if (until > t) record({ type: "auth.login_locked", subject: user?.id ?? null, meta: { retryAfterSeconds: Math.ceil((until - t) / 1000) } });
      return before > t ? before : 0;
    });
    if (lockedBefore > 0) throw lockedError(lockedBefore, ctx.clock.now());
    throw new AppError("unauthenticated", BAD_CREDENTIALS);
  }

  const sessionId = newId("ses");
  const humanCtx = withActor(ctx, { kind: "human", userId: user.id, role: user.role });
  const created = transact(humanCtx, (tx, record) => {
    if (currentLock(tx, subjects) > ctx.clock.now()) return null;
    // A success clears the account's counter; the address counter only decays, so one valid
    // account cannot be used to reset guessing against others from the same address.
    tx.delete(loginThrottle).where(eq(loginThrottle.subject, subjects[0]!)).run();
    const inserted = insertSession(tx, ctx, user.id, sessionId, clientAddress);
    record({ type: "auth.login_succeeded", subject: user.id, meta: { sessionId } });
    return inserted;
  });
  if (created === null) {
    const t = ctx.clock.now();
    const until = transact(systemCtx, (tx, record) => {
      const lock = currentLock(tx, subjects);
      record({ type: "auth.login_locked", subject: user.id, meta: { retryAfterSeconds: Math.ceil((lock - t) / 1000) } });
      return lock;
    });
    throw lockedError(until, t);
  }
  const { absoluteExpiresAt } = created;
  const session = await signSessionToken(ctx, { sessionId, userId: user.id, role: user.role, lastSeenAt: now, absoluteExpiresAt });
  return { user: toUserView(user), sessionId, session };
}
