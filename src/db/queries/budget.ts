import { and, desc, eq, gte, sql } from "drizzle-orm";
import type { BudgetQueries } from "../../core/budget/queries.ts";
import { budgetMarks, projectBudgets, projectUsageMonths, runBudgets, runs, usageReports } from "../schema/index.ts";
import { lazy, p, pSet, type SqliteDb } from "./sqlite-db.ts";

/** Prepares the budget statements once for one connection. */
export function budgetQueries(db: SqliteDb): BudgetQueries {
  const pb = projectBudgets;
  const projectBudget = lazy(() => db.select().from(pb).where(eq(pb.projectId, p("projectId"))).prepare());
  const putProjectBudget = lazy(() => db.insert(pb).values({ projectId: p("projectId"), monthlyTokens: p("monthlyTokens"), runTokens: p("runTokens"), updatedAt: p("updatedAt"), updatedBy: p("updatedBy") })
    .onConflictDoUpdate({ target: pb.projectId, set: { monthlyTokens: pSet("monthlyTokens"), runTokens: pSet("runTokens"), updatedAt: pSet("updatedAt"), updatedBy: pSet("updatedBy") } }).prepare());
  const m = projectUsageMonths;
  // The increment happens in SQL, so two reports in one month both count whatever their order.
  const addMonthUsage = lazy(() => db.insert(m).values({ projectId: p("projectId"), month: p("month"), tokens: p("tokens") })
    .onConflictDoUpdate({ target: [m.projectId, m.month], set: { tokens: sql`${m.tokens} + ${p("tokens")}` } }).returning({ tokens: m.tokens }).prepare());
  const monthUsage = lazy(() => db.select({ tokens: m.tokens }).from(m).where(and(eq(m.projectId, p("projectId")), eq(m.month, p("month")))).prepare());
  const rb = runBudgets;
  const runBudget = lazy(() => db.select().from(rb).where(eq(rb.runId, p("runId"))).prepare());
  const putRunBudget = lazy(() => db.insert(rb).values({ runId: p("runId"), limitTokens: p("limitTokens"), projectExtraTokens: p("projectExtraTokens"), updatedAt: p("updatedAt") })
    .onConflictDoUpdate({ target: rb.runId, set: { limitTokens: pSet("limitTokens"), projectExtraTokens: pSet("projectExtraTokens"), updatedAt: pSet("updatedAt") } }).prepare());
  const bm = budgetMarks;
  const insertMark = lazy(() => db.insert(bm).values({
    key: p("key"), projectId: p("projectId"), runId: p("runId"), scope: p("scope"), percent: p("percent"), limitTokens: p("limitTokens"), usedTokens: p("usedTokens"), period: p("period"), createdAt: p("createdAt"),
  }).onConflictDoNothing().returning({ key: bm.key }).prepare());
  const marks = lazy(() => db.select().from(bm).where(and(eq(bm.projectId, p("projectId")), gte(bm.createdAt, p("since")))).orderBy(desc(bm.createdAt), desc(bm.key)).limit(p("limit")).prepare());
  const u = usageReports;
  const usageByModel = lazy(() => db.select({
    model: u.model,
    inputTokens: sql<number>`coalesce(sum(${u.inputTokens}), 0)`.mapWith(Number),
    outputTokens: sql<number>`coalesce(sum(${u.outputTokens}), 0)`.mapWith(Number),
    cacheTokens: sql<number>`coalesce(sum(${u.cacheTokens}), 0)`.mapWith(Number),
  }).from(u).innerJoin(runs, eq(runs.id, u.runId))
    .where(sql`${u.createdAt} >= ${p("since")} AND (${p("projectId")} IS NULL OR ${runs.projectId} = ${p("projectId")})`)
    .groupBy(u.model).orderBy(u.model).prepare());
  return {
    projectBudget: async (projectId) => projectBudget.get({ projectId }),
    putProjectBudget: async (row) => {
      await putProjectBudget.run({ ...row });
    },
    addMonthUsage: async (projectId, month, tokens) => Number((await addMonthUsage.get({ projectId, month, tokens }))!.tokens),
    monthUsage: async (projectId, month) => Number((await monthUsage.get({ projectId, month }))?.tokens ?? 0),
    runBudget: async (runId) => runBudget.get({ runId }),
    putRunBudget: async (row) => {
      await putRunBudget.run({ ...row });
    },
    insertMark: async (row) => (await insertMark.all({ ...row })).length > 0,
    marks: async (projectId, since, limit) => marks.all({ projectId, since, limit }),
    usageByModel: async (since, projectId) => usageByModel.all({ since, projectId }),
  };
}
