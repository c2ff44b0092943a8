import { newId } from "../../lib/ids.ts";
import type { EventInput } from "../audit/append-event.ts";
import { HOUR } from "../../lib/time.ts";
import { withActor, type Ctx } from "../context.ts";
import { AppError } from "../errors.ts";
import { getSettings } from "../setting/get-settings.ts";
import type { Tx } from "../store.ts";
import { refuse, transact } from "../transact.ts";
import { parseInput } from "../validate.ts";
import { verifyPassword } from "./password.ts";
import type { ThrottleRow, UserRow } from "./queries.ts";
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

/** Counts one more failure for `subject` (its current row is `row`); returns its lock deadline. */
async function bumpFailures(tx: Tx, subject: string, row: ThrottleRow | undefined, now: number, maxFailures: number): Promise<number> {
  const previous = row && now - row.updatedAt < THROTTLE_FORGET_MS ? row.failures : 0;
  const failures = previous + 1;
  const lockedUntil = now + lockDurationMs(failures, maxFailures);
  await tx.users.putThrottle({ subject, failures, lockedUntil, updatedAt: now });
  return lockedUntil;
}

/** Commits the failed attempt's events (and nothing else), then throws the one bad-credentials answer. */
async function refuseSignIn(ctx: Ctx, user: UserRow | undefined, lockedUntil: number, now: number): Promise<never> {
  const reason = user === undefined ? "unknown_account" : user.disabled || user.erasedAt !== null ? "disabled" : "bad_password";
  const subject = user?.id ?? null;
  const failed: EventInput = { type: "auth.login_failed", subject, meta: { reason } };
  const locked: EventInput[] = lockedUntil > now ? [{ type: "auth.login_locked", subject, meta: { retryAfterSeconds: Math.ceil((lockedUntil - now) / 1000) } }] : [];
  return await transact(ctx, async () => refuse(new AppError("unauthenticated", BAD_CREDENTIALS), failed, ...locked));
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
  const settings = await getSettings(ctx.store.read);
  const maxFailures = settings.loginMaxFailures;

  // Each attempt is counted as a failure before its password is verified, and a success takes
  // that back: bcrypt awaits, so attempts sent in parallel would otherwise all pass the lock check
  // before any of them is counted, and a burst could make any number of guesses. Writes are
  // serialised, so this check-and-count is atomic against every other attempt.
  const until = await transact(systemCtx, async (tx) => {
    const rows = await tx.users.throttles(subjects);
    const locked = rows.filter((l) => l.lockedUntil > now);
    if (locked.length > 0) {
      const lockedUntil = Math.max(...locked.map((l) => l.lockedUntil));
      refuse(lockedError(lockedUntil, now), {
        type: "auth.login_locked",
        meta: { scope: locked.map((l) => l.subject.split(":")[0]!), retryAfterSeconds: Math.ceil((lockedUntil - now) / 1000) },
      });
    }
    let lockedUntil = 0;
    for (const subject of subjects) {
      lockedUntil = Math.max(lockedUntil, await bumpFailures(tx, subject, rows.find((r) => r.subject === subject), now, maxFailures));
    }
    return lockedUntil;
  });

  // Outside any transaction: bcrypt is slow, and a write waiting on it would stall every writer.
  const user = await ctx.store.read.users.byEmail(email);
  // Always run bcrypt, against a dummy hash when there is no such account, so timing says nothing.
  const matches = await verifyPassword(password, user?.passwordHash ?? (await ctx.dummyPasswordHash()));
  const usable = user !== undefined && matches && !user.disabled && user.erasedAt === null;

  if (!usable) return await refuseSignIn(systemCtx, user, until, now);

  const sessionId = newId("ses");
  const humanCtx = withActor(ctx, { kind: "human", userId: user.id, role: user.role });
  const { absoluteExpiresAt } = await transact(humanCtx, async (tx, record) => {
    // A success clears the account's counter; the address counter only gives back this attempt,
    // so one valid account cannot be used to reset guessing against others from the same address.
    await tx.users.deleteThrottle(subjects[0]!);
    const [address] = await tx.users.throttles([subjects[1]!]);
    if (address) {
      const failures = Math.max(0, address.failures - 1);
      const lockedUntil = lockDurationMs(failures, maxFailures) === 0 ? Math.min(address.lockedUntil, now) : address.lockedUntil;
      await tx.users.putThrottle({ ...address, failures, lockedUntil });
    }
    const created = await insertSession(tx, ctx, user.id, sessionId, clientAddress, settings);
    await record({ type: "auth.login_succeeded", subject: user.id, meta: { sessionId } });
    return created;
  });
  // Signed after the commit, outside the transaction.
  const session = await signSessionToken(ctx, { sessionId, userId: user.id, role: user.role, lastSeenAt: now, absoluteExpiresAt }, settings);
  return { user: toUserView(user), sessionId, session };
}
