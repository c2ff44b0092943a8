import { costOf } from "../budget/cost.ts";
import type { Ctx } from "../context.ts";
import { getSettings } from "../setting/get-settings.ts";
import { forbidden } from "../errors.ts";
import { can } from "../roles.ts";

const DAY = 86_400_000;
/** Scope violations and drift are counted over this many days. */
export const SIGNAL_WINDOW_DAYS = 7;
/** The usage chart's days. */
export const USAGE_DAYS = 14;

export interface DashboardSummary {
  /** Runs active, awaiting approval or blocked. */
  activeRuns: number;
  pendingApprovals: number;
  /** Scope violations and other drift recorded in the window. */
  signals: { since: number; days: number; scopeViolations: number; drift: number };
  /** Input and output tokens of every usage report this calendar month (UTC). */
  tokens: { since: number; input: number; output: number };
  /** Tokens per day, the last `USAGE_DAYS` days (days without reports are absent). */
  usageByDay: { day: number; inputTokens: number; outputTokens: number }[];
  /** This month's cost at the owner's per-model prices (null: no price set); models without a price are listed, not guessed. */
  cost: { currency: string; amount: number; unpricedModels: string[] } | null;
}

/**
 * The dashboard's numbers, each a COUNT or SUM over all data (not over a page). Counts only: no
 * titles, paths or details, so nothing a masked role may not see leaves here.
 */
export async function dashboardSummary({ ctx }: { ctx: Ctx }): Promise<DashboardSummary> {
  if (ctx.actor.kind !== "human" || !can(ctx.actor.role, "runs.view")) throw forbidden("sign in to see the dashboard");
  const now = ctx.clock.now();
  const signalsSince = now - SIGNAL_WINDOW_DAYS * DAY;
  const today = new Date(now);
  const monthStart = Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), 1);
  const usageSince = Math.floor(now / DAY) * DAY - (USAGE_DAYS - 1) * DAY;
  const [counts, usageByDay] = await Promise.all([
    ctx.store.read.runs.dashboardCounts(signalsSince, monthStart),
    ctx.store.read.runs.usageByDay(usageSince, DAY),
  ]);
  return {
    activeRuns: counts.activeRuns,
    pendingApprovals: counts.pendingApprovals,
    signals: { since: signalsSince, days: SIGNAL_WINDOW_DAYS, scopeViolations: counts.scopeViolations, drift: counts.drift },
    tokens: { since: monthStart, input: counts.inputTokens, output: counts.outputTokens },
    usageByDay,
    cost: await monthCost(ctx, monthStart),
  };
}

async function monthCost(ctx: Ctx, monthStart: number): Promise<DashboardSummary["cost"]> {
  const settings = await getSettings(ctx.store.read);
  if (settings.modelPrices.length === 0) return null;
  let amount = 0;
  const unpricedModels: string[] = [];
  for (const row of await ctx.store.read.budgets.usageByModel(monthStart, null)) {
    const cost = costOf(row, settings.modelPrices);
    if (cost === null) unpricedModels.push(row.model);
    else amount += cost;
  }
  return { currency: settings.priceCurrency, amount: Math.round(amount * 10_000) / 10_000, unpricedModels };
}
