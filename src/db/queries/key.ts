import { and, count, desc, eq, isNull, sql } from "drizzle-orm";
import type { KeyQueries } from "../../core/key/queries.ts";
import { pluginKeys, users } from "../schema/index.ts";
import { lazy, p, pSet, type SqliteDb } from "./sqlite-db.ts";

/** Prepares the plugin-key statements once for one connection. */
export function keyQueries(db: SqliteDb): KeyQueries {
  const byId = lazy(() => db.select().from(pluginKeys).where(eq(pluginKeys.id, p("id"))).prepare());
  const authByHash = lazy(() => db.select({
    id: pluginKeys.id, userId: pluginKeys.userId, expiresAt: pluginKeys.expiresAt, revokedAt: pluginKeys.revokedAt, lastUsedAt: pluginKeys.lastUsedAt,
    role: users.role, disabled: users.disabled, erasedAt: users.erasedAt,
  }).from(pluginKeys).innerJoin(users, eq(users.id, pluginKeys.userId)).where(eq(pluginKeys.hash, p("hash"))).prepare());
  const listAll = lazy(() => db.select().from(pluginKeys).orderBy(desc(pluginKeys.createdAt)).prepare());
  const listOwn = lazy(() => db.select().from(pluginKeys).where(eq(pluginKeys.userId, p("userId"))).orderBy(desc(pluginKeys.createdAt)).prepare());
  const countActive = lazy(() => db.select({ n: count() }).from(pluginKeys)
    .where(and(eq(pluginKeys.userId, p("userId")), isNull(pluginKeys.revokedAt), sql`(${pluginKeys.expiresAt} IS NULL OR ${pluginKeys.expiresAt} > ${p("now")})`)).prepare());
  const insert = lazy(() => db.insert(pluginKeys).values({
    id: p("id"), userId: p("userId"), name: p("name"), hash: p("hash"), hint: p("hint"), createdAt: p("createdAt"),
    expiresAt: p("expiresAt"), lastUsedAt: p("lastUsedAt"), revokedAt: p("revokedAt"), revokedBy: p("revokedBy"),
    lastAddress: p("lastAddress"), clientName: p("clientName"), clientVersion: p("clientVersion"), calls: p("calls"),
  }).prepare());
  const revoke = lazy(() => db.update(pluginKeys).set({ revokedAt: pSet("revokedAt"), revokedBy: pSet("revokedBy") }).where(eq(pluginKeys.id, p("id"))).prepare());
  const touch = lazy(() => db.update(pluginKeys).set({ lastUsedAt: pSet("lastUsedAt"), lastAddress: pSet("lastAddress"), calls: sql`${pluginKeys.calls} + ${p("calls")}` }).where(eq(pluginKeys.id, p("id"))).prepare());
  const setClient = lazy(() => db.update(pluginKeys).set({ clientName: pSet("clientName"), clientVersion: pSet("clientVersion") }).where(eq(pluginKeys.id, p("id"))).prepare());
  return {
    byId: async (id) => byId.get({ id }),
    authByHash: async (hash) => authByHash.get({ hash }),
    list: async (userId) => (userId === null ? listAll.all() : listOwn.all({ userId })),
    countActive: async (userId, now) => (await countActive.get({ userId, now }))?.n ?? 0,
    insert: async (row) => {
      await insert.run({ ...row });
    },
    revoke: async (id, revokedAt, revokedBy) => {
      await revoke.run({ id, revokedAt, revokedBy });
    },
    touch: async (id, lastUsedAt, lastAddress, calls) => {
      await touch.run({ id, lastUsedAt, lastAddress, calls });
    },
    setClient: async (id, clientName, clientVersion) => {
      await setClient.run({ id, clientName, clientVersion });
    },
  };
}
