import { and, eq, inArray, lt } from "drizzle-orm";
import type { IdentityQueries } from "../../core/identity/queries.ts";
import { sessions, ssoIdentities, ssoSessions, users } from "../schema/index.ts";
import { lazy, p, pSet, type SqliteDb } from "./sqlite-db.ts";

/** Rows a prepared UPDATE changed. */
const changes = (result: unknown): number => (result as { changes: number }).changes;

/** Prepares the single-sign-on statements once for one connection. */
export function identityQueries(db: SqliteDb): IdentityQueries {
  const identity = lazy(() => db.select().from(ssoIdentities)
    .where(and(eq(ssoIdentities.provider, p("provider")), eq(ssoIdentities.subject, p("subject")))).prepare());
  const insertIdentity = lazy(() => db.insert(ssoIdentities).values({
    provider: p("provider"), subject: p("subject"), userId: p("userId"), createdAt: p("createdAt"), lastLoginAt: p("lastLoginAt"),
  }).prepare());
  const touchIdentity = lazy(() => db.update(ssoIdentities).set({ lastLoginAt: pSet("lastLoginAt") })
    .where(and(eq(ssoIdentities.provider, p("provider")), eq(ssoIdentities.subject, p("subject")))).prepare());
  const deleteIdentitiesOf = lazy(() => db.delete(ssoIdentities).where(eq(ssoIdentities.userId, p("userId"))).prepare());
  const deleteSsoSessionsOf = lazy(() => db.delete(ssoSessions)
    .where(inArray(ssoSessions.sessionId, db.select({ id: sessions.id }).from(sessions).where(eq(sessions.userId, p("userId"))))).prepare());
  const setProfile = lazy(() => db.update(users).set({ email: pSet("email"), name: pSet("name"), role: pSet("role"), updatedAt: pSet("updatedAt") })
    .where(eq(users.id, p("id"))).prepare());
  const insertSsoSession = lazy(() => db.insert(ssoSessions).values({
    sessionId: p("sessionId"), provider: p("provider"), subject: p("subject"), sealedRefreshToken: p("sealedRefreshToken"), vouchedUntil: p("vouchedUntil"), checkedAt: p("checkedAt"),
  }).prepare());
  const ssoSession = lazy(() => db.select().from(ssoSessions).where(eq(ssoSessions.sessionId, p("sessionId"))).prepare());
  const markChecked = lazy(() => db.update(ssoSessions).set({ checkedAt: pSet("checkedAt"), sealedRefreshToken: pSet("sealedRefreshToken") })
    .where(eq(ssoSessions.sessionId, p("sessionId"))).prepare());
  const claimRecheck = lazy(() => db.update(ssoSessions).set({ checkedAt: pSet("now") })
    .where(and(eq(ssoSessions.sessionId, p("sessionId")), lt(ssoSessions.checkedAt, p("checkedBefore")))).prepare());
  return {
    claimSsoRecheck: async (sessionId, now, checkedBefore) => changes(await claimRecheck.run({ sessionId, now, checkedBefore })) === 1,
    identity: async (provider, subject) => await identity.get({ provider, subject }),
    insertIdentity: async (row) => {
      await insertIdentity.run({ ...row });
    },
    touchIdentity: async (provider, subject, lastLoginAt) => {
      await touchIdentity.run({ provider, subject, lastLoginAt });
    },
    deleteIdentitiesOf: async (userId) => changes(await deleteIdentitiesOf.run({ userId })),
    deleteSsoSessionsOf: async (userId) => {
      await deleteSsoSessionsOf.run({ userId });
    },
    setProfile: async (profile) => {
      await setProfile.run({ ...profile });
    },
    insertSsoSession: async (row) => {
      await insertSsoSession.run({ ...row });
    },
    ssoSession: async (sessionId) => await ssoSession.get({ sessionId }),
    markSsoSessionChecked: async (sessionId, checkedAt, sealedRefreshToken) => {
      await markChecked.run({ sessionId, checkedAt, sealedRefreshToken });
    },
  };
}
