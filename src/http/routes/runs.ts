import { Elysia } from "elysia";
import { cancelRun } from "../../core/run/cancel-run.ts";
import { dashboardSummary } from "../../core/run/dashboard-summary.ts";
import { getRun } from "../../core/run/get-run.ts";
import { listRuns } from "../../core/run/list-runs.ts";
import { unblockRun } from "../../core/run/unblock-run.ts";
import { authenticate, bodyFields } from "../auth.ts";
import type { RouteDeps } from "./index.ts";

/** Runs and one run's timeline (masked in core for roles that see runs masked). */
export function runsRoutes(deps: RouteDeps) {
  return new Elysia()
    .get("/api/runs", async ({ request, set }) => {
      const ctx = await authenticate(deps, request, set);
      const q = new URL(request.url).searchParams;
      const input: Record<string, unknown> = {};
      for (const key of ["status", "project", "q", "sort", "direction", "cursor"]) if (q.get(key)) input[key] = q.get(key);
      if (q.get("limit")) input.limit = Number(q.get("limit"));
      return await listRuns({ ctx, input });
    }, { detail: { summary: "Runs, most recently updated first: { runs, total, nextCursor } (?status=, ?project=slug, ?q= title/ticket/branch, ?sort=updated|created|tokens, ?direction=asc|desc, ?cursor=, ?limit=)" } })
    .get("/api/dashboard", async ({ request, set }) => {
      const ctx = await authenticate(deps, request, set);
      return await dashboardSummary({ ctx });
    }, { detail: { summary: "The dashboard's counts over all data: active runs, pending approvals, violations and drift (last 7 days), tokens this month, tokens per day" } })
    .get("/api/runs/:id", async ({ request, set, params }) => {
      const ctx = await authenticate(deps, request, set);
      return await getRun({ ctx, input: { runId: params.id } });
    }, { detail: { summary: "One run's timeline: phases, work units, checkpoints (with deciders), builds, usage, drift, files, events, why it is blocked, what the caller may do" } })
    .post("/api/runs/:id/cancel", async ({ request, set, params, body }) => {
      const ctx = await authenticate(deps, request, set, { write: true });
      return { run: await cancelRun({ ctx, input: { ...bodyFields(body), runId: params.id } }) };
    }, { detail: { summary: "Cancel an open run {reason?} (lead or above, or the run's owner): pending checkpoints expire, claims end" } })
    .post("/api/runs/:id/unblock", async ({ request, set, params }) => {
      const ctx = await authenticate(deps, request, set, { write: true });
      return { run: await unblockRun({ ctx, input: { runId: params.id } }) };
    }, { detail: { summary: "Unblock a run a rejection blocked (lead or above with the rejected checkpoint's role, not the run's owner)" } });
}
