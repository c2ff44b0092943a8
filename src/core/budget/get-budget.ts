import type { Ctx } from "../context.ts";
import { forbidden } from "../errors.ts";
import { findProject } from "../project/access.ts";
import { can } from "../roles.ts";
import { getSettings } from "../setting/get-settings.ts";
import type { Queries } from "../store.ts";
import { parseInput } from "../validate.ts";
import { costOf } from "./cost.ts";
import { monthOf, monthStart } from "./period.ts";
import type { ProjectRow } from "../project/queries.ts";
import { ProjectSlugInput, type BudgetView } from "./schemas.ts";

/** A project's budgets, this month's usage against them, the notices sent, and the cost per model. */
export async function getProjectBudget({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<BudgetView> {
  if (ctx.actor.kind === "agent") throw forbidden("budgets are read in the web app");
  const data = parseInput(ProjectSlugInput, input);
  const q = ctx.store.read;
  const project = await findProject(q, data.projectSlug);
  return budgetView(ctx, q, project);
}

export async function budgetView(ctx: Ctx, q: Queries, project: ProjectRow): Promise<BudgetView> {
  const now = ctx.clock.now();
  const month = monthOf(now);
  const [budget, used, marks, usage, settings] = [
    await q.budgets.projectBudget(project.id), await q.budgets.monthUsage(project.id, month), await q.budgets.marks(project.id, monthStart(now), 50),
    await q.budgets.usageByModel(monthStart(now), project.id), await getSettings(q),
  ];
  const monthly = budget?.monthlyTokens ?? null;
  return {
    project: { id: project.id, slug: project.slug, name: project.name },
    monthlyTokens: monthly,
    runTokens: budget?.runTokens ?? null,
    month,
    usedTokens: used,
    remainingTokens: monthly === null ? null : Math.max(0, monthly - used),
    percent: monthly === null ? null : Math.floor((used * 100) / monthly),
    notices: marks.map((m) => ({ scope: m.scope, runId: m.runId, percent: m.percent, limitTokens: m.limitTokens, usedTokens: m.usedTokens, at: m.createdAt })),
    models: usage.map((u) => ({ ...u, cost: costOf(u, settings.modelPrices) })),
    currency: settings.priceCurrency,
    canEdit: ctx.actor.kind === "human" && can(ctx.actor.role, "projects.manage"),
    updatedAt: budget?.updatedAt ?? null,
  };
}
