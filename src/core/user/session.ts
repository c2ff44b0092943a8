import { and, eq, isNull } from "drizzle-orm";
import { jwtVerify, SignJWT } from "jose";
import { sessions, users } from "../../db/schema/index.ts";
import type { Tx } from "../../db/store.ts";
import { idPattern } from "../../lib/ids.ts";
import { HOUR, MINUTE } from "../../lib/time.ts";
import type { Actor, Services } from "../context.ts";
import { withActor } from "../context.ts";
import { AppError } from "../errors.ts";
import { isRole, type Role } from "../roles.ts";
import { getSettings } from "../setting/get-settings.ts";
import { transact, type Record } from "../transact.ts";

/** Sliding renewal writes at most once a minute per session (not on every request). */
export const SESSION_RENEW_AFTER_MS = MINUTE;

/** A signed session token and when it stops being accepted (ms since the epoch). */
export interface SessionToken {
  readonly token: string;
  readonly expiresAt: number;
}

export interface ResolvedSession {
  readonly actor: Extract<Actor, { kind: "human" }>;
  readonly sessionId: string;
  /** Set when the session was renewed: the caller hands the new token back to the browser. */
  readonly renewed: SessionToken | null;
}

const SESSION_ID = idPattern("ses");
const USER_ID = idPattern("usr");

const unauthenticated = () => new AppError("unauthenticated", "sign in to continue");

/**
 * Signs the session JWT (HS256 only). It carries the session id, the user id and the role at
 * issue time; its expiry is the idle deadline, capped by the session's absolute expiry.
 */
export async function signSessionToken(services: Services, claims: { sessionId: string; userId: string; role: Role; lastSeenAt: number; absoluteExpiresAt: number }): Promise<SessionToken> {
  const settings = getSettings(services.store.read);
  const expiresAt = Math.min(claims.lastSeenAt + settings.sessionIdleMinutes * MINUTE, claims.absoluteExpiresAt);
  const nowSeconds = Math.floor(services.clock.now() / 1000);
  const token = await new SignJWT({ sid: claims.sessionId, role: claims.role })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setSubject(claims.userId)
    .setIssuedAt(nowSeconds)
    .setNotBefore(nowSeconds)
    .setExpirationTime(Math.floor(expiresAt / 1000))
    .sign(services.sessionKey);
  return { token, expiresAt };
}

/** Inserts a session row for a user inside the caller's transaction; returns its id and absolute expiry. */
export function insertSession(tx: Tx, services: Services, userId: string, sessionId: string, clientAddress: string | null): { absoluteExpiresAt: number } {
  const now = services.clock.now();
  const settings = getSettings(tx);
  const absoluteExpiresAt = now + settings.sessionAbsoluteHours * HOUR;
  tx.insert(sessions).values({ id: sessionId, userId, createdAt: now, lastSeenAt: now, expiresAt: absoluteExpiresAt, revokedAt: null, clientAddress }).run();
  return { absoluteExpiresAt };
}

/**
 * Revokes every live session of a user inside the caller's transaction and records
 * `auth.session_revoked` when there were any. Returns how many were revoked.
 */
export function revokeUserSessions(tx: Tx, record: Record, now: number, userId: string, why: string): number {
  const result = tx.update(sessions).set({ revokedAt: now })
    .where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt))).run() as unknown as { changes: number };
  if (result.changes > 0) record({ type: "auth.session_revoked", subject: userId, meta: { why, count: result.changes } });
  return result.changes;
}

/**
 * Resolves a session token to the person it belongs to. Refuses tokens that are not HS256, are
 * expired or not yet valid, whose session row is revoked, idle too long or past its absolute
 * lifetime, or whose user is disabled, erased or no longer has the role the token was issued for
 * (that last case revokes the session). Renews the token at most once a minute (sliding idle timeout).
 */
export async function resolveSession(services: Services, token: string | null): Promise<ResolvedSession> {
  if (token === null || token.length === 0 || token.length > 4096) throw unauthenticated();
  const now = services.clock.now();
  let payload: { sid?: unknown; role?: unknown; sub?: unknown };
  try {
    // Only HS256: `alg: none`, other HMACs and asymmetric algorithms are refused by the library.
    ({ payload } = await jwtVerify(token, services.sessionKey, { algorithms: ["HS256"], currentDate: new Date(now), requiredClaims: ["exp", "nbf", "sub"] }));
  } catch {
    throw unauthenticated();
  }
  const { sid, role, sub } = payload;
  if (typeof sid !== "string" || !SESSION_ID.test(sid) || typeof sub !== "string" || !USER_ID.test(sub) || !isRole(role)) throw unauthenticated();

  const db = services.store.read;
  const session = db.select().from(sessions).where(eq(sessions.id, sid)).get();
  if (!session || session.userId !== sub || session.revokedAt !== null || session.expiresAt <= now) throw unauthenticated();
  const settings = getSettings(db);
  if (session.lastSeenAt + settings.sessionIdleMinutes * MINUTE <= now) throw unauthenticated();
  const user = db.select({ id: users.id, role: users.role, disabled: users.disabled, erasedAt: users.erasedAt }).from(users).where(eq(users.id, sub)).get();
  if (!user || user.disabled || user.erasedAt !== null) throw unauthenticated();
  if (user.role !== role) {
    // The role changed since the token was issued: the old privileges must not live on.
    transact(withActor(services, { kind: "system" }), (tx, record) => {
      tx.update(sessions).set({ revokedAt: now }).where(and(eq(sessions.id, sid), isNull(sessions.revokedAt))).run();
      record({ type: "auth.session_revoked", subject: sub, meta: { why: "role_changed", count: 1 } });
    });
    throw unauthenticated();
  }

  let renewed: SessionToken | null = null;
  if (now - session.lastSeenAt >= SESSION_RENEW_AFTER_MS) {
    // Bookkeeping, not a state change people audit: no event.
    services.store.write((tx) => tx.update(sessions).set({ lastSeenAt: now }).where(eq(sessions.id, sid)).run());
    renewed = await signSessionToken(services, { sessionId: sid, userId: sub, role, lastSeenAt: now, absoluteExpiresAt: session.expiresAt });
  }
  return { actor: Object.freeze({ kind: "human", userId: sub, role }), sessionId: sid, renewed };
}
