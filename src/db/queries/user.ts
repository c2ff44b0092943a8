import { and, asc, count, eq, gt, isNull, ne, sql } from "drizzle-orm";
import type { UserQueries } from "../../core/user/queries.ts";
import { loginThrottle, passwordResetTokens, pluginKeys, sessions, setupTokens, users } from "../schema/index.ts";
import { lazy, p, pSet, type SqliteDb } from "./sqlite-db.ts";


/** Rows a prepared UPDATE or DELETE changed (bun:sqlite's run() result). */
const changes = (result: unknown): number => (result as { changes: number }).changes;

/** Prepares the user, session, setup-token and login-throttle statements once for one connection. */
export function userQueries(db: SqliteDb): UserQueries {
  const standing = lazy(() => db.select({ role: users.role, disabled: users.disabled, erasedAt: users.erasedAt }).from(users).where(eq(users.id, p("id"))).prepare());
  const byId = lazy(() => db.select().from(users).where(eq(users.id, p("id"))).prepare());
  const byEmail = lazy(() => db.select().from(users).where(eq(users.email, p("email"))).prepare());
  const listLive = lazy(() => db.select().from(users).where(isNull(users.erasedAt)).orderBy(asc(users.email)).prepare());
  const namesOf = lazy(() => db.select({ id: users.id, name: users.name }).from(users).where(sql`${users.id} IN (SELECT value FROM json_each(${p("ids")}))`).prepare());
  const anyOwner = lazy(() => db.select({ id: users.id }).from(users).where(eq(users.role, "owner")).limit(1).prepare());
  const activeOwnersOtherThan = lazy(() => db.select({ n: count() }).from(users)
    .where(and(eq(users.role, "owner"), ne(users.id, p("id")), eq(users.disabled, false), isNull(users.erasedAt))).prepare());
  const insert = lazy(() => db.insert(users).values({
    id: p("id"), email: p("email"), name: p("name"), passwordHash: p("passwordHash"), role: p("role"), disabled: p("disabled"),
    createdAt: p("createdAt"), updatedAt: p("updatedAt"), erasedAt: p("erasedAt"),
  }).prepare());
  const setProfile = lazy(() => db.update(users).set({ name: pSet("name"), role: pSet("role"), disabled: pSet("disabled"), updatedAt: pSet("updatedAt") })
    .where(eq(users.id, p("id"))).prepare());
  const setPasswordHash = lazy(() => db.update(users).set({ passwordHash: pSet("passwordHash"), updatedAt: pSet("updatedAt") }).where(eq(users.id, p("id"))).prepare());
  const erase = lazy(() => db.update(users).set({
    email: pSet("email"), name: pSet("name"), passwordHash: pSet("passwordHash"), disabled: true, erasedAt: pSet("erasedAt"), updatedAt: pSet("erasedAt"),
  }).where(eq(users.id, p("id"))).prepare());
  const revokeKeysOf = lazy(() => db.update(pluginKeys).set({ revokedAt: pSet("revokedAt"), revokedBy: pSet("revokedBy") })
    .where(and(eq(pluginKeys.userId, p("userId")), isNull(pluginKeys.revokedAt))).prepare());

  const insertSession = lazy(() => db.insert(sessions).values({
    id: p("id"), userId: p("userId"), createdAt: p("createdAt"), lastSeenAt: p("lastSeenAt"), expiresAt: p("expiresAt"),
    revokedAt: p("revokedAt"), clientAddress: p("clientAddress"),
  }).prepare());
  const sessionAuth = lazy(() => db.select({
    userId: sessions.userId, lastSeenAt: sessions.lastSeenAt, expiresAt: sessions.expiresAt, revokedAt: sessions.revokedAt,
    role: users.role, disabled: users.disabled, erasedAt: users.erasedAt,
  }).from(sessions).innerJoin(users, eq(users.id, sessions.userId)).where(eq(sessions.id, p("id"))).prepare());
  const revokeSession = lazy(() => db.update(sessions).set({ revokedAt: pSet("revokedAt") })
    .where(and(eq(sessions.id, p("id")), eq(sessions.userId, p("userId")), isNull(sessions.revokedAt))).prepare());
  const revokeSessionsOf = lazy(() => db.update(sessions).set({ revokedAt: pSet("revokedAt") })
    .where(and(eq(sessions.userId, p("userId")), isNull(sessions.revokedAt))).prepare());
  const revokeSessionsOfExcept = lazy(() => db.update(sessions).set({ revokedAt: pSet("revokedAt") })
    .where(and(eq(sessions.userId, p("userId")), ne(sessions.id, p("keep")), isNull(sessions.revokedAt))).prepare());
  const touchSession = lazy(() => db.update(sessions).set({ lastSeenAt: pSet("lastSeenAt") }).where(eq(sessions.id, p("id"))).prepare());

  const insertSetupToken = lazy(() => db.insert(setupTokens).values({ tokenHash: p("tokenHash"), createdAt: p("createdAt"), expiresAt: p("expiresAt") }).prepare());
  const expireSetupTokens = lazy(() => db.update(setupTokens).set({ expiresAt: pSet("now") })
    .where(and(isNull(setupTokens.usedAt), gt(setupTokens.expiresAt, p("now")))).prepare());
  const consumeSetupToken = lazy(() => db.update(setupTokens).set({ usedAt: pSet("usedAt") })
    .where(and(eq(setupTokens.tokenHash, p("tokenHash")), isNull(setupTokens.usedAt), gt(setupTokens.expiresAt, p("usedAt")))).prepare());

  const insertPasswordResetToken = lazy(() => db.insert(passwordResetTokens)
    .values({ tokenHash: p("tokenHash"), userId: p("userId"), createdAt: p("createdAt"), expiresAt: p("expiresAt") }).prepare());
  const expirePasswordResetTokensOf = lazy(() => db.update(passwordResetTokens).set({ expiresAt: pSet("now") })
    .where(and(eq(passwordResetTokens.userId, p("userId")), isNull(passwordResetTokens.usedAt), gt(passwordResetTokens.expiresAt, p("now")))).prepare());
  const passwordResetTarget = lazy(() => db.select({ userId: users.id, email: users.email, name: users.name, expiresAt: passwordResetTokens.expiresAt })
    .from(passwordResetTokens).innerJoin(users, eq(users.id, passwordResetTokens.userId))
    .where(and(eq(passwordResetTokens.tokenHash, p("tokenHash")), isNull(passwordResetTokens.usedAt), gt(passwordResetTokens.expiresAt, p("now")), isNull(users.erasedAt)))
    .prepare());
  const consumePasswordResetToken = lazy(() => db.update(passwordResetTokens).set({ usedAt: pSet("usedAt") })
    .where(and(eq(passwordResetTokens.tokenHash, p("tokenHash")), isNull(passwordResetTokens.usedAt), gt(passwordResetTokens.expiresAt, p("usedAt")))).prepare());

  const throttles = lazy(() => db.select().from(loginThrottle)
    .where(sql`${loginThrottle.subject} IN (SELECT value FROM json_each(${p("subjects")}))`).prepare());
  const putThrottle = lazy(() => db.insert(loginThrottle).values({ subject: p("subject"), failures: p("failures"), lockedUntil: p("lockedUntil"), updatedAt: p("updatedAt") })
    .onConflictDoUpdate({ target: loginThrottle.subject, set: { failures: pSet("failures"), lockedUntil: pSet("lockedUntil"), updatedAt: pSet("updatedAt") } }).prepare());
  const deleteThrottle = lazy(() => db.delete(loginThrottle).where(eq(loginThrottle.subject, p("subject"))).prepare());

  return {
    standing: async (id) => standing.get({ id }),
    byId: async (id) => byId.get({ id }),
    byEmail: async (email) => byEmail.get({ email }),
    listLive: async () => listLive.all(),
    namesOf: async (ids) => (ids.length ? await namesOf.all({ ids: JSON.stringify(ids) }) : []),
    ownerExists: async () => (await anyOwner.get()) !== undefined,
    activeOwnersOtherThan: async (id) => (await activeOwnersOtherThan.get({ id }))?.n ?? 0,
    insert: async (row) => {
      await insert.run({ ...row });
    },
    setProfile: async (profile) => {
      await setProfile.run({ ...profile });
    },
    setPasswordHash: async (id, passwordHash, updatedAt) => {
      await setPasswordHash.run({ id, passwordHash, updatedAt });
    },
    erase: async (profile) => {
      await erase.run({ ...profile });
    },
    revokeKeysOf: async (userId, revokedAt, revokedBy) => changes(await revokeKeysOf.run({ userId, revokedAt, revokedBy })),

    insertSession: async (row) => {
      await insertSession.run({ ...row });
    },
    sessionAuth: async (id) => sessionAuth.get({ id }),
    revokeSession: async (id, userId, revokedAt) => changes(await revokeSession.run({ id, userId, revokedAt })),
    revokeSessionsOf: async (userId, revokedAt) => changes(await revokeSessionsOf.run({ userId, revokedAt })),
    revokeSessionsOfExcept: async (userId, keep, revokedAt) => changes(await revokeSessionsOfExcept.run({ userId, keep, revokedAt })),
    touchSession: async (id, lastSeenAt) => {
      await touchSession.run({ id, lastSeenAt });
    },

    insertSetupToken: async (row) => {
      await insertSetupToken.run({ ...row });
    },
    expireSetupTokens: async (now) => changes(await expireSetupTokens.run({ now })),
    consumeSetupToken: async (tokenHash, usedAt) => changes(await consumeSetupToken.run({ tokenHash, usedAt })) === 1,

    insertPasswordResetToken: async (row) => {
      await insertPasswordResetToken.run({ ...row });
    },
    expirePasswordResetTokensOf: async (userId, now) => changes(await expirePasswordResetTokensOf.run({ userId, now })),
    passwordResetTarget: async (tokenHash, now) => passwordResetTarget.get({ tokenHash, now }),
    consumePasswordResetToken: async (tokenHash, usedAt) => changes(await consumePasswordResetToken.run({ tokenHash, usedAt })) === 1,

    throttles: async (subjects) => throttles.all({ subjects: JSON.stringify(subjects) }),
    putThrottle: async (row) => {
      await putThrottle.run({ ...row });
    },
    deleteThrottle: async (subject) => {
      await deleteThrottle.run({ subject });
    },
  };
}
