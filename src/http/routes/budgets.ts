import { Elysia } from "elysia";
import { getProjectBudget } from "../../core/budget/get-budget.ts";
import { putProjectBudget } from "../../core/budget/put-budget.ts";
import { authenticate, bodyWithPath } from "../auth.ts";
import type { RouteDeps } from "./index.ts";

/** A project's token budgets (DESIGN §13): this month's usage against them, notices and cost per model. */
export function budgetsRoutes(deps: RouteDeps) {
  return new Elysia()
    .get("/api/projects/:slug/budget", async ({ request, set, params }) => {
      const ctx = await authenticate(deps, request, set);
      return { budget: await getProjectBudget({ ctx, input: { projectSlug: params.slug } }) };
    }, { detail: { summary: "A project's monthly (UTC) and per-run token budgets, this month's usage, the 80%/100% notices and the cost per model at the owner's prices" } })
    .put("/api/projects/:slug/budget", async ({ request, set, params, body }) => {
      const ctx = await authenticate(deps, request, set, { write: true });
      return { budget: await putProjectBudget({ ctx, input: bodyWithPath(body, { projectSlug: params.slug }) }) };
    }, { detail: { summary: "Set the budgets {monthlyTokens, runTokens} (null: no limit; owner, admin)" } });
}
