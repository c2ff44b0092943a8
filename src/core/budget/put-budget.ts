import type { Ctx } from "../context.ts";
import { findProject, requireProjectsManage } from "../project/access.ts";
import { transact } from "../transact.ts";
import { parseInput } from "../validate.ts";
import { budgetView } from "./get-budget.ts";
import { PutBudgetInput, type BudgetView } from "./schemas.ts";

/**
 * Sets a project's monthly token budget and its default per-run budget (owners and admins). Runs
 * already going take the new default at their next report; a run's raised budget stays raised.
 */
export async function putProjectBudget({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<BudgetView> {
  requireProjectsManage(ctx);
  const data = parseInput(PutBudgetInput, input);
  return transact(ctx, async (tx, record) => {
    const project = await findProject(tx, data.projectSlug);
    const before = await tx.budgets.projectBudget(project.id);
    const changed = before?.monthlyTokens !== data.monthlyTokens || before?.runTokens !== data.runTokens;
    if (changed && (before || data.monthlyTokens !== null || data.runTokens !== null)) {
      await tx.budgets.putProjectBudget({
        projectId: project.id, monthlyTokens: data.monthlyTokens, runTokens: data.runTokens, updatedAt: ctx.clock.now(), updatedBy: ctx.actor.kind === "human" ? ctx.actor.userId : null,
      });
      await record({ type: "budget.changed", projectId: project.id, subject: project.id, meta: { monthlyTokens: data.monthlyTokens, runTokens: data.runTokens } });
    }
    return budgetView(ctx, tx, project);
  });
}
