import { newId } from "../../lib/ids.ts";
import type { EventInput } from "../audit/append-event.ts";
import { HOUR } from "../../lib/time.ts";
import { withActor, type Ctx } from "../context.ts";
import { AppError } from "../errors.ts";
import { readIdentitySettings } from "../identity/identity-settings.ts";
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
/** One client address may fail this many times `loginMaxFailures` (over all accounts) before it is locked. */
export const ADDRESS_FAILURE_FACTOR = 5;
/** An account slows down (never locks) after this many times `loginMaxFailures` failures from all addresses. */
export const ACCOUNT_SLOW_FACTOR = 10;
/** While an account is slowed down, its sign-in attempts are let through one per this interval, in order. */
export const ACCOUNT_SPACING_MS = 1_000;
/** An attempt that would have to queue longer than this behind others for a slowed account is answered 429. */
export const ACCOUNT_MAX_WAIT_MS = 10_000;

/** The one answer to a password sign-in in SSO-only mode (whatever the account and password). */
export const SSO_ONLY_ANSWER = "password sign-in is off: sign in with single sign-on (only the break-glass owner's password works here)";

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

export function lockedError(lockedUntil: number, now: number): AppError {
  const retryAfterSeconds = Math.max(1, Math.ceil((lockedUntil - now) / 1000));
  return new AppError("rate_limited", `too many failed sign-ins; try again in ${retryAfterSeconds} seconds`, { retryAfterSeconds });
}

/** A subject's failures still remembered at `now`. */
export function recentFailures(row: ThrottleRow | undefined, now: number): number {
  return row && now - row.updatedAt < THROTTLE_FORGET_MS ? row.failures : 0;
}

/** Counts one more failure for a locking subject (its current row is `row`); returns its lock deadline. */
export async function bumpFailures(tx: Tx, subject: string, row: ThrottleRow | undefined, now: number, maxFailures: number): Promise<number> {
  const failures = recentFailures(row, now) + 1;
  const lockedUntil = now + lockDurationMs(failures, maxFailures);
  await tx.users.putThrottle({ subject, failures, lockedUntil, updatedAt: now });
  return lockedUntil;
}

/**
 * Counts one more attempt against the account; once it has `slowAfter` failures, the attempt is
 * given the next free slot (`lockedUntil` holds the one after it). Returns how long it must wait.
 */
async function bumpAccount(tx: Tx, subject: string, row: ThrottleRow | undefined, now: number, slowAfter: number): Promise<number> {
  const previous = recentFailures(row, now);
  const slow = previous >= slowAfter;
  const slot = slow ? Math.max(now, row?.lockedUntil ?? 0) : now;
  await tx.users.putThrottle({ subject, failures: previous + 1, lockedUntil: slow ? slot + ACCOUNT_SPACING_MS : now, updatedAt: now });
  return slot - now;
}

/** Gives back the one attempt a success had counted in advance against a locking subject. */
async function giveBack(tx: Tx, row: ThrottleRow | undefined, now: number, maxFailures: number): Promise<void> {
  if (!row) return;
  const failures = Math.max(0, row.failures - 1);
  const lockedUntil = lockDurationMs(failures, maxFailures) === 0 ? Math.min(row.lockedUntil, now) : row.lockedUntil;
  await tx.users.putThrottle({ ...row, failures, lockedUntil });
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Commits the failed attempt's events (and nothing else), then throws the one bad-credentials answer. */
async function refuseSignIn(ctx: Ctx, user: UserRow | undefined, lockedUntil: number, now: number, why?: "sso_only"): Promise<never> {
  const reason = why ?? (user === undefined ? "unknown_account" : user.disabled || user.erasedAt !== null ? "disabled" : "bad_password");
  const subject = user?.id ?? null;
  const failed: EventInput = { type: "auth.login_failed", subject, meta: { reason } };
  const locked: EventInput[] = lockedUntil > now ? [{ type: "auth.login_locked", subject, meta: { retryAfterSeconds: Math.ceil((lockedUntil - now) / 1000) } }] : [];
  return await transact(ctx, async () => refuse(new AppError("unauthenticated", why === "sso_only" ? SSO_ONLY_ANSWER : BAD_CREDENTIALS), failed, ...locked));
}

/**
 * The three counters of one attempt with `login` (an email, or `ldap:<name>` for the directory).
 * `pair` (this account from this address) locks after loginMaxFailures; `address` (every account
 * from this address) locks after ADDRESS_FAILURE_FACTOR times that; `account` (this account from
 * everywhere) never locks, it only spaces attempts out after ACCOUNT_SLOW_FACTOR times that, so
 * nobody can lock another person out.
 */
export function throttleSubjects(login: string, clientAddress: string) {
  return { pair: `pair:${clientAddress}|${login}`, address: `address:${clientAddress}`, account: `account:${login}` } as const;
}
export type ThrottleSubjects = ReturnType<typeof throttleSubjects>;

/**
 * Checks the locks of one sign-in attempt and counts it as a failure in advance (`forgiveAttempt`
 * takes that back on success); refuses `rate_limited` with `auth.login_locked` while locked.
 * Returns the lock deadline a failure now leads to, and how long a slowed-down account must wait.
 */
export async function countAttempt(systemCtx: Ctx, subjects: ThrottleSubjects, now: number, maxFailures: number): Promise<{ until: number; wait: number }> {
  const addressMax = maxFailures * ADDRESS_FAILURE_FACTOR;
  // Each attempt is counted as a failure before its password is verified, and a success takes
  // that back: bcrypt awaits, so attempts sent in parallel would otherwise all pass the lock check
  // before any of them is counted, and a burst could make any number of guesses. Writes are
  // serialised, so this check-and-count is atomic against every other attempt.
  return await transact(systemCtx, async (tx) => {
    const rows = await tx.users.throttles([subjects.pair, subjects.address, subjects.account]);
    const row = (subject: string) => rows.find((r) => r.subject === subject);
    const locked = [row(subjects.pair), row(subjects.address)].filter((l): l is ThrottleRow => l !== undefined && l.lockedUntil > now);
    const accountRow = row(subjects.account);
    const queued = Math.max(0, (accountRow?.lockedUntil ?? 0) - now);
    const slowed = recentFailures(accountRow, now) >= maxFailures * ACCOUNT_SLOW_FACTOR;
    if (locked.length > 0 || (slowed && queued > ACCOUNT_MAX_WAIT_MS)) {
      const lockedUntil = locked.length > 0 ? Math.max(...locked.map((l) => l.lockedUntil)) : now + queued;
      const scope = locked.length > 0 ? locked.map((l) => l.subject.split(":")[0]!) : ["account"];
      refuse(lockedError(lockedUntil, now), { type: "auth.login_locked", meta: { scope, retryAfterSeconds: Math.ceil((lockedUntil - now) / 1000) } });
    }
    const pairUntil = await bumpFailures(tx, subjects.pair, row(subjects.pair), now, maxFailures);
    const addressUntil = await bumpFailures(tx, subjects.address, row(subjects.address), now, addressMax);
    const wait = await bumpAccount(tx, subjects.account, accountRow, now, maxFailures * ACCOUNT_SLOW_FACTOR);
    return { until: Math.max(pairUntil, addressUntil), wait };
  });
}

/** A successful sign-in: clears its pair and gives back the attempt counted in advance (inside the caller's write). */
export async function forgiveAttempt(tx: Tx, subjects: ThrottleSubjects, now: number, maxFailures: number): Promise<void> {
  const addressMax = maxFailures * ADDRESS_FAILURE_FACTOR;
  // A success clears its pair; the address and account counters only give back this attempt,
  // so one valid account cannot be used to reset guessing against others from the same address,
  // nor the person to reset the slow-down of an attack on their account.
  await tx.users.deleteThrottle(subjects.pair);
  const rows = await tx.users.throttles([subjects.address, subjects.account]);
  await giveBack(tx, rows.find((r) => r.subject === subjects.address), now, addressMax);
  const account = rows.find((r) => r.subject === subjects.account);
  // (Its lockedUntil is the slot queue of a slowed-down account: kept as it is.)
  if (account) await tx.users.putThrottle({ ...account, failures: Math.max(0, account.failures - 1) });
}

/**
 * Signs a person in, throttled per (account, address) pair: after settings.loginMaxFailures
 * failures that pair is refused `rate_limited` (retryAfterSeconds, exponential back-off), and a
 * success clears it. One address is locked after ADDRESS_FAILURE_FACTOR times as many failures
 * over all accounts. An account attacked from many addresses is slowed down (attempts spaced
 * ACCOUNT_SPACING_MS apart), never locked for everyone. Unknown emails are verified against a
 * dummy hash so they cost the same time and get the same answer as a wrong password. Creates a
 * session row and returns its signed token.
 */
export async function login({ ctx, input, clientAddress }: { ctx: Ctx; input: unknown; clientAddress: string }): Promise<LoginResult> {
  const { email, password } = parseInput(LoginInput, input);
  const systemCtx = withActor(ctx, { kind: "system", clientAddress });
  const subjects = throttleSubjects(email, clientAddress);
  const now = ctx.clock.now();
  const settings = await getSettings(ctx.store.read);
  const maxFailures = settings.loginMaxFailures;

  const { until, wait } = await countAttempt(systemCtx, subjects, now, maxFailures);
  // A slowed-down account: this attempt waits for its slot (outside any transaction).
  if (wait > 0) await sleep(wait);

  // Outside any transaction: bcrypt is slow, and a write waiting on it would stall every writer.
  const user = await ctx.store.read.users.byEmail(email);
  // Always run bcrypt, against a dummy hash when there is no such account, so timing says nothing.
  const matches = await verifyPassword(password, user?.passwordHash ?? (await ctx.dummyPasswordHash()));
  const usable = user !== undefined && matches && !user.disabled && user.erasedAt === null;

  // SSO-only mode: one answer for every refused password (right or wrong), so it does not tell
  // which account is the break-glass owner.
  const { ssoOnly } = await readIdentitySettings(ctx.store.read);
  if (ssoOnly.enabled && (!usable || user.id !== ssoOnly.breakGlassOwnerId)) return await refuseSignIn(systemCtx, user, until, now, "sso_only");
  if (!usable) return await refuseSignIn(systemCtx, user, until, now);

  const sessionId = newId("ses");
  const humanCtx = withActor(ctx, { kind: "human", userId: user.id, role: user.role });
  const { absoluteExpiresAt } = await transact(humanCtx, async (tx, record) => {
    await forgiveAttempt(tx, subjects, now, maxFailures);
    const created = await insertSession(tx, ctx, user.id, sessionId, clientAddress, settings);
    await record({ type: "auth.login_succeeded", subject: user.id, meta: { sessionId } });
    return created;
  });
  // Signed after the commit, outside the transaction.
  const session = await signSessionToken(ctx, { sessionId, userId: user.id, role: user.role, lastSeenAt: now, absoluteExpiresAt }, settings);
  return { user: toUserView(user), sessionId, session };
}
