import { jwtVerify, SignJWT } from "jose";
import { idPattern } from "../../lib/ids.ts";
import { MINUTE, HOUR } from "../../lib/time.ts";
import type { Actor, Services } from "../context.ts";
import { withActor } from "../context.ts";
import { AppError } from "../errors.ts";
import { recheckSsoSession } from "../identity/recheck-sso-session.ts";
import { isRole, type Role } from "../roles.ts";
import { getSettings } from "../setting/get-settings.ts";
import type { Settings } from "../setting/schemas.ts";
import type { Tx } from "../store.ts";
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
 * issue time; its expiry is the idle deadline, capped by the session's absolute expiry. Never
 * call it inside a write transaction (signing awaits; writers would queue behind it).
 */
export async function signSessionToken(
  services: Services,
  claims: { sessionId: string; userId: string; role: Role; lastSeenAt: number; absoluteExpiresAt: number },
  settings?: Pick<Settings, "sessionIdleMinutes">,
): Promise<SessionToken> {
  settings ??= await getSettings(services.store.read);
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

/** Inserts a session row for a user inside the caller's transaction; returns its absolute expiry. */
export async function insertSession(
  tx: Tx,
  services: Services,
  userId: string,
  sessionId: string,
  clientAddress: string | null,
  settings?: Pick<Settings, "sessionAbsoluteHours">,
): Promise<{ absoluteExpiresAt: number }> {
  const now = services.clock.now();
  settings ??= await getSettings(tx);
  const absoluteExpiresAt = now + settings.sessionAbsoluteHours * HOUR;
  await tx.users.insertSession({ id: sessionId, userId, createdAt: now, lastSeenAt: now, expiresAt: absoluteExpiresAt, revokedAt: null, clientAddress });
  return { absoluteExpiresAt };
}

/**
 * Revokes every live session of a user inside the caller's transaction and records
 * `auth.session_revoked` when there were any. Returns how many were revoked.
 */
export async function revokeUserSessions(tx: Tx, record: Record, now: number, userId: string, why: string): Promise<number> {
  const count = await tx.users.revokeSessionsOf(userId, now);
  if (count > 0) await record({ type: "auth.session_revoked", subject: userId, meta: { why, count } });
  return count;
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
  const session = await db.users.sessionAuth(sid);
  if (!session || session.userId !== sub || session.revokedAt !== null || session.expiresAt <= now) throw unauthenticated();
  const settings = await getSettings(db);
  if (session.lastSeenAt + settings.sessionIdleMinutes * MINUTE <= now) throw unauthenticated();
  if (session.disabled || session.erasedAt !== null) throw unauthenticated();
  if (session.role !== role) {
    // The role changed since the token was issued: the old privileges must not live on.
    await transact(withActor(services, { kind: "system" }), async (tx, record) => {
      const count = await tx.users.revokeSession(sid, sub, now);
      if (count > 0) await record({ type: "auth.session_revoked", subject: sub, meta: { why: "role_changed", count } });
    });
    throw unauthenticated();
  }

  let renewed: SessionToken | null = null;
  let current: Role = role;
  if (now - session.lastSeenAt >= SESSION_RENEW_AFTER_MS) {
    // A session from single sign-on is re-checked with the provider first (outside any write):
    // disabled there, it ends here; its role follows the mapping rules.
    current = await recheckSsoSession(services, { sessionId: sid, userId: sub, role, now });
    // Bookkeeping, not a state change people audit: no event. The token is signed after the commit.
    await services.store.write((tx) => tx.users.touchSession(sid, now));
    renewed = await signSessionToken(services, { sessionId: sid, userId: sub, role: current, lastSeenAt: now, absoluteExpiresAt: session.expiresAt }, settings);
  }
  return { actor: Object.freeze({ kind: "human", userId: sub, role: current }), sessionId: sid, renewed };
}
