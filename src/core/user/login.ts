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
  const maxFailures = getSettings(ctx.store.read).loginMaxFailures;

  // Each attempt is counted as a failure before its password is verified, and a success takes
  // that back: bcrypt awaits, so attempts sent in parallel would otherwise all pass the lock check
  // before any of them is counted, and a burst could make any number of guesses.
  const admission = transact(systemCtx, (tx, record) => {
    const locks = tx.select().from(loginThrottle).where(inArray(loginThrottle.subject, subjects)).all();
    const lockedUntil = Math.max(0, ...locks.map((l) => l.lockedUntil));
    if (lockedUntil > now) {
      record({ type: "auth.login_locked", meta: { scope: locks.filter((l) => l.lockedUntil > now).map((l) => l.subject.split(":")[0]!), retryAfterSeconds: Math.ceil((lockedUntil - now) / 1000) } });
      return { lockedUntil, until: 0 };
    }
    return { lockedUntil: 0, until: Math.max(...subjects.map((s) => bumpFailures(tx, s, now, maxFailures))) };
  });
  if (admission.lockedUntil > now) throw lockedError(admission.lockedUntil, now);

  const user = ctx.store.read.select().from(users).where(eq(users.email, email)).get();
  // Always run bcrypt, against a dummy hash when there is no such account, so timing says nothing.
  const matches = await verifyPassword(password, user?.passwordHash ?? (await dummyPasswordHash()));
  const usable = user !== undefined && matches && !user.disabled && user.erasedAt === null;

  if (!usable) {
    transact(systemCtx, (_tx, record) => {
      const reason = user === undefined ? "unknown_account" : user.disabled || user.erasedAt !== null ? "disabled" : "bad_password";
      record({ type: "auth.login_failed", subject: user?.id ?? null, meta: { reason } });
      if (admission.until > now) record({ type: "auth.login_locked", subject: user?.id ?? null, meta: { retryAfterSeconds: Math.ceil((admission.until - now) / 1000) } });
    });
    throw new AppError("unauthenticated", BAD_CREDENTIALS);
  }

  const sessionId = newId("ses");
  const humanCtx = withActor(ctx, { kind: "human", userId: user.id, role: user.role });
  const { absoluteExpiresAt } = transact(humanCtx, (tx, record) => {
    // A success clears the account's counter; the address counter only gives back this attempt,
    // so one valid account cannot be used to reset guessing against others from the same address.
    tx.delete(loginThrottle).where(eq(loginThrottle.subject, subjects[0]!)).run();
    const address = tx.select().from(loginThrottle).where(eq(loginThrottle.subject, subjects[1]!)).get();
    if (address) {
      const failures = Math.max(0, address.failures - 1);
      const lockedUntil = lockDurationMs(failures, maxFailures) === 0 ? Math.min(address.lockedUntil, now) : address.lockedUntil;
      tx.update(loginThrottle).set({ failures, lockedUntil }).where(eq(loginThrottle.subject, subjects[1]!)).run();
    }
    const created = insertSession(tx, ctx, user.id, sessionId, clientAddress);
    record({ type: "auth.login_succeeded", subject: user.id, meta: { sessionId } });
    return created;
  });
  const session = await signSessionToken(ctx, { sessionId, userId: user.id, role: user.role, lastSeenAt: now, absoluteExpiresAt });
  return { user: toUserView(user), sessionId, session };
}
