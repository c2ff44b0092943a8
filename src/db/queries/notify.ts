import { and, asc, desc, eq, isNull, sql } from "drizzle-orm";
import type { ChannelRow, DeliveryRow, NotifyQueries, OutboxRow } from "../../core/notify/queries.ts";
import { checkpoints, notificationChannels, notificationDeliveries, notificationOutbox, notificationPreferences, projects, runs, users } from "../schema/index.ts";
import { lazy, p, pSet, type SqliteDb } from "./sqlite-db.ts";

/** Prepares the notification statements (channels, preferences, outbox, deliveries) once for one connection. */
export function notifyQueries(db: SqliteDb): NotifyQueries {
  const c = notificationChannels;
  const o = notificationOutbox;
  const d = notificationDeliveries;
  const pref = notificationPreferences;
  const channels = lazy(() => db.select().from(c).orderBy(asc(c.createdAt), asc(c.id)).prepare());
  const channel = lazy(() => db.select().from(c).where(eq(c.id, p("id"))).prepare());
  const anyEnabled = lazy(() => db.select({ id: c.id }).from(c).where(eq(c.enabled, true)).limit(1).prepare());
  const countChannels = lazy(() => db.select({ n: sql<number>`count(*)`.mapWith(Number) }).from(c).prepare());
  const channelValues = {
    id: p("id"), name: p("name"), kind: p("kind"), enabled: p("enabled"), events: p("events"), projectIds: p("projectIds"), audienceRole: p("audienceRole"),
    personal: p("personal"), allowPrivateNetwork: p("allowPrivateNetwork"), config: p("config"), secretSealed: p("secretSealed"),
    createdAt: p("createdAt"), updatedAt: p("updatedAt"), updatedBy: p("updatedBy"),
  };
  const insertChannel = lazy(() => db.insert(c).values(channelValues).prepare());
  const updateChannel = lazy(() => db.update(c).set({
    name: pSet("name"), enabled: pSet("enabled"), events: pSet("events"), projectIds: pSet("projectIds"), audienceRole: pSet("audienceRole"), personal: pSet("personal"),
    allowPrivateNetwork: pSet("allowPrivateNetwork"), config: pSet("config"), secretSealed: pSet("secretSealed"), updatedAt: pSet("updatedAt"), updatedBy: pSet("updatedBy"),
  }).where(eq(c.id, p("id"))).prepare());
  const deleteChannel = lazy(() => db.delete(c).where(eq(c.id, p("id"))).prepare());
  const deleteChannelDeliveries = lazy(() => db.delete(d).where(eq(d.channelId, p("id"))).prepare());

  const preference = lazy(() => db.select().from(pref).where(eq(pref.userId, p("userId"))).prepare());
  const putPreference = lazy(() => db.insert(pref).values({ userId: p("userId"), events: p("events"), email: p("email"), ntfyTopic: p("ntfyTopic"), updatedAt: p("updatedAt") })
    .onConflictDoUpdate({ target: pref.userId, set: { events: pSet("events"), email: pSet("email"), ntfyTopic: pSet("ntfyTopic"), updatedAt: pSet("updatedAt") } }).prepare());
  const recipients = lazy(() => db.select({
    id: users.id, email: users.email, name: users.name, role: users.role, prefEvents: pref.events, prefEmail: pref.email, prefNtfyTopic: pref.ntfyTopic,
  }).from(users).leftJoin(pref, eq(pref.userId, users.id)).where(and(eq(users.disabled, false), isNull(users.erasedAt))).orderBy(asc(users.id)).prepare());
  const runContext = lazy(() => db.select({
    runId: runs.id, title: runs.title, ownerUserId: runs.ownerUserId, ownerName: users.name, projectId: runs.projectId, projectSlug: projects.slug, projectName: projects.name,
  }).from(runs).innerJoin(users, eq(users.id, runs.ownerUserId)).innerJoin(projects, eq(projects.id, runs.projectId)).where(eq(runs.id, p("runId"))).prepare());

  const outboxValues = {
    id: p("id"), kind: p("kind"), eventSeq: p("eventSeq"), runId: p("runId"), projectId: p("projectId"), checkpointId: p("checkpointId"), meta: p("meta"),
    dedupeKey: p("dedupeKey"), occurredAt: p("occurredAt"), expandedAt: p("expandedAt"),
  };
  const insertOutbox = lazy(() => db.insert(o).values(outboxValues).prepare());
  const insertOutboxOnce = lazy(() => db.insert(o).values(outboxValues).onConflictDoNothing().returning({ id: o.id }).prepare());
  const unexpanded = lazy(() => db.select().from(o).where(isNull(o.expandedAt)).orderBy(asc(o.occurredAt), asc(o.id)).limit(p("limit")).prepare());
  const markExpanded = lazy(() => db.update(o).set({ expandedAt: pSet("now") }).where(and(eq(o.id, p("id")), isNull(o.expandedAt))).returning({ id: o.id }).prepare());
  const expiring = lazy(() => db.select({ checkpointId: checkpoints.id, runId: checkpoints.runId, projectId: runs.projectId, expiresAt: checkpoints.expiresAt })
    .from(checkpoints).innerJoin(runs, eq(runs.id, checkpoints.runId))
    .where(sql`${checkpoints.status} = 'pending' AND ${checkpoints.expiresAt} > ${p("now")} AND ${checkpoints.expiresAt} <= ${p("horizon")}
      AND NOT EXISTS (SELECT 1 FROM ${o} WHERE ${o.dedupeKey} = 'expiring:' || ${checkpoints.id})`)
    .orderBy(asc(checkpoints.expiresAt)).limit(p("limit")).prepare());

  const insertDelivery = lazy(() => db.insert(d).values({
    id: p("id"), outboxId: p("outboxId"), channelId: p("channelId"), userId: p("userId"), address: p("address"), dedupe: p("dedupe"), kind: p("kind"), message: p("message"),
    status: p("status"), attempts: p("attempts"), nextAttemptAt: p("nextAttemptAt"), leaseUntil: p("leaseUntil"), lastError: p("lastError"),
    lastAttemptAt: p("lastAttemptAt"), deliveredAt: p("deliveredAt"), createdAt: p("createdAt"),
  }).onConflictDoNothing().prepare());
  const delivery = lazy(() => db.select().from(d).where(eq(d.id, p("id"))).prepare());
  const due = lazy(() => db.select().from(d)
    .where(sql`${d.status} = 'pending' AND ${d.nextAttemptAt} <= ${p("now")} AND ${d.leaseUntil} <= ${p("now")}`)
    .orderBy(asc(d.nextAttemptAt), asc(d.id)).limit(p("limit")).prepare());
  const nextDue = lazy(() => db.select({ at: sql<number | null>`min(CASE WHEN ${d.leaseUntil} > ${d.nextAttemptAt} THEN ${d.leaseUntil} ELSE ${d.nextAttemptAt} END)` })
    .from(d).where(eq(d.status, "pending")).prepare());
  const claim = lazy(() => db.update(d).set({ leaseUntil: pSet("leaseUntil"), attempts: sql`${d.attempts} + 1`, lastAttemptAt: pSet("now") })
    .where(sql`${d.id} = ${p("id")} AND ${d.status} = 'pending' AND ${d.leaseUntil} <= ${p("now")}`).returning({ id: d.id }).prepare());
  const delivered = lazy(() => db.update(d).set({ status: "delivered", deliveredAt: pSet("now"), leaseUntil: 0, lastError: null }).where(eq(d.id, p("id"))).prepare());
  const failed = lazy(() => db.update(d).set({ status: pSet("status"), nextAttemptAt: pSet("nextAttemptAt"), leaseUntil: 0, lastError: pSet("lastError") })
    .where(eq(d.id, p("id"))).prepare());
  const counts = lazy(() => db.select({ channelId: d.channelId, status: d.status, n: sql<number>`count(*)`.mapWith(Number) }).from(d).groupBy(d.channelId, d.status).prepare());
  const ofChannel = lazy(() => db.select().from(d)
    .where(sql`${d.channelId} = ${p("channelId")} AND (${p("status")} IS NULL OR ${d.status} = ${p("status")})
      AND (${p("beforeAt")} IS NULL OR ${d.createdAt} < ${p("beforeAt")} OR (${d.createdAt} = ${p("beforeAt")} AND ${d.id} < ${p("beforeId")}))`)
    .orderBy(desc(d.createdAt), desc(d.id)).limit(p("limit")).prepare());
  const countOfChannel = lazy(() => db.select({ n: sql<number>`count(*)`.mapWith(Number) }).from(d)
    .where(sql`${d.channelId} = ${p("channelId")} AND (${p("status")} IS NULL OR ${d.status} = ${p("status")})`).prepare());
  const pruneDeliveries = lazy(() => db.delete(d).where(sql`${d.status} <> 'pending' AND ${d.createdAt} < ${p("before")}`).returning({ id: d.id }).prepare());
  const pruneOutbox = lazy(() => db.delete(o).where(sql`${o.expandedAt} IS NOT NULL AND ${o.occurredAt} < ${p("before")}
    AND NOT EXISTS (SELECT 1 FROM ${d} WHERE ${d.outboxId} = ${o.id})`).prepare());

  const channelParams = (row: ChannelRow) => ({ ...row }) as unknown as Record<string, unknown>;
  return {
    channels: async () => (await channels.all()) as ChannelRow[],
    channel: async (id) => (await channel.get({ id })) as ChannelRow | undefined,
    anyEnabledChannel: async () => (await anyEnabled.get()) !== undefined,
    insertChannel: async (row) => {
      await insertChannel.run(channelParams(row));
    },
    updateChannel: async (row) => {
      await updateChannel.run(channelParams(row));
    },
    deleteChannel: async (id) => {
      await deleteChannelDeliveries.run({ id });
      await deleteChannel.run({ id });
    },
    countChannels: async () => (await countChannels.get())?.n ?? 0,
    preference: async (userId) => preference.get({ userId }),
    putPreference: async (row) => {
      await putPreference.run({ ...row });
    },
    recipients: async () => recipients.all(),
    runContext: async (runId) => runContext.get({ runId }),
    insertOutbox: async (row) => {
      await insertOutbox.run({ ...row });
    },
    insertOutboxOnce: async (row) => (await insertOutboxOnce.all({ ...row })).length > 0,
    unexpanded: async (limit) => (await unexpanded.all({ limit })) as OutboxRow[],
    markExpanded: async (id, now) => (await markExpanded.all({ id, now })).length > 0,
    expiringWithout: async (now, horizon, limit) => expiring.all({ now, horizon, limit }),
    insertDelivery: async (row) => {
      await insertDelivery.run({ ...row });
    },
    delivery: async (id) => (await delivery.get({ id })) as DeliveryRow | undefined,
    dueDeliveries: async (now, limit) => (await due.all({ now, limit })) as DeliveryRow[],
    nextDueAt: async () => (await nextDue.get())?.at ?? null,
    claimDelivery: async (id, now, leaseUntil) => (await claim.all({ id, now, leaseUntil })).length > 0,
    markDelivered: async (id, now) => {
      await delivered.run({ id, now });
    },
    markAttemptFailed: async (id, u) => {
      await failed.run({ id, status: u.status, nextAttemptAt: u.nextAttemptAt, lastError: u.lastError });
    },
    deliveryCounts: async () => counts.all(),
    channelDeliveries: async (channelId, status, before, limit) =>
      (await ofChannel.all({ channelId, status, beforeAt: before?.createdAt ?? null, beforeId: before?.id ?? null, limit })) as DeliveryRow[],
    countChannelDeliveries: async (channelId, status) => (await countOfChannel.get({ channelId, status }))?.n ?? 0,
    prune: async (before) => {
      const gone = (await pruneDeliveries.all({ before })).length;
      await pruneOutbox.run({ before });
      return gone;
    },
  };
}
