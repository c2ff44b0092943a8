import { insertCheckpoint } from "../checkpoint/insert-checkpoint.ts";
import type { Ctx } from "../context.ts";
import { AppError } from "../errors.ts";
import type { Tx } from "../store.ts";
import { refuse, refuseKeeping, type Record } from "../transact.ts";
import { monthOf } from "./period.ts";
import { NOTICE_PERCENT, type UsageBudget } from "./schemas.ts";

interface RunRef {
  id: string;
  projectId: string;
}

const left = (limit: number | null, used: number) => (limit === null ? null : Math.max(0, limit - used));

/**
 * Counts a usage report against the run's and the project's budgets, in report_usage's write.
 * Crossing 80% records one notice per budget and period (a keyed mark: however many reports cross
 * it at once, one wins); reaching 100% puts the run on a `budget` checkpoint that a lead or above
 * decides (one at a time: writes are serialised and a pending one is reused). Returns what is left.
 */
export async function chargeUsage(tx: Tx, record: Record, ctx: Ctx, run: RunRef, tokens: number, runUsed: number): Promise<UsageBudget> {
  const now = ctx.clock.now();
  const month = monthOf(now);
  const projectUsed = await tx.budgets.addMonthUsage(run.projectId, month, tokens);
  const budget = await tx.budgets.projectBudget(run.projectId);
  const raised = await tx.budgets.runBudget(run.id);
  const runLimit = raised?.limitTokens ?? budget?.runTokens ?? null;
  const monthly = budget?.monthlyTokens ?? null;
  const projectLimit = monthly === null ? null : monthly + (raised?.projectExtraTokens ?? 0);

  const mark = async (scope: "project" | "run", percent: number, limit: number, used: number) => {
    const period = scope === "project" ? month : String(limit);
    const key = scope === "project" ? `project:${run.projectId}:${month}:${percent}` : `run:${run.id}:${limit}:${percent}`;
    const fresh = await tx.budgets.insertMark({ key, projectId: run.projectId, runId: scope === "run" ? run.id : null, scope, percent, limitTokens: limit, usedTokens: used, period, createdAt: now });
    if (fresh && percent === NOTICE_PERCENT) {
      await record({ type: "budget.threshold_reached", runId: run.id, projectId: run.projectId, subject: scope === "run" ? run.id : run.projectId, meta: { scope, percent, limitTokens: limit, usedTokens: used, period } });
    }
    return fresh;
  };
  // The notice goes out once per budget and period, also when one report jumps past 100% at once.
  if (runLimit !== null && runUsed * 100 >= runLimit * NOTICE_PERCENT) await mark("run", NOTICE_PERCENT, runLimit, runUsed);
  if (monthly !== null && projectUsed * 100 >= monthly * NOTICE_PERCENT) await mark("project", NOTICE_PERCENT, monthly, projectUsed);

  const over: ("run" | "project")[] = [];
  if (runLimit !== null && runUsed >= runLimit) over.push("run");
  if (projectLimit !== null && projectUsed >= projectLimit) over.push("project");
  let checkpointId: string | null = (await tx.runs.pendingCheckpoints(run.id)).find((c) => c.kind === "budget")?.id ?? null;
  if (over.length > 0 && checkpointId === null) {
    if (over.includes("run")) await mark("run", 100, runLimit!, runUsed);
    if (over.includes("project")) await mark("project", 100, monthly!, projectUsed);
    const ck = await insertCheckpoint(tx, record, ctx, run, { kind: "budget", targetPhase: null, reason: "budget", summary: null, requiredRole: "lead" });
    checkpointId = ck.id;
    await record({
      type: "budget.exceeded", runId: run.id, projectId: run.projectId, subject: ck.id,
      meta: { scope: over.join(","), runLimitTokens: runLimit, runUsedTokens: runUsed, projectLimitTokens: projectLimit, projectUsedTokens: projectUsed, month },
    });
  }
  return {
    run: { limit_tokens: runLimit, used_tokens: runUsed, remaining_tokens: left(runLimit, runUsed) },
    project: { month, limit_tokens: projectLimit, used_tokens: projectUsed, remaining_tokens: left(projectLimit, projectUsed) },
    checkpoint_id: checkpointId,
  };
}

/** The message an agent gets while its run waits on a budget checkpoint. */
export function budgetWaitMessage(runId: string, checkpointId: string): string {
  return `run ${runId} has used its token budget: it waits on budget checkpoint ${checkpointId} until a lead or above (not the run's owner) approves raising it. Stop working, wait with get_checkpoint (wait_seconds up to 25), then go on`;
}

/**
 * Refuses a report or a phase move while the run waits on a budget checkpoint (the refusal is
 * recorded, nothing else the call did is kept).
 */
export async function refuseWhileOverBudget(tx: Tx, run: RunRef, action: string, keep?: (tx: Tx, record: Record) => Promise<void>): Promise<void> {
  const waiting = (await tx.runs.pendingCheckpoints(run.id)).find((c) => c.kind === "budget");
  if (!waiting) return;
  const error = new AppError("gate_closed", budgetWaitMessage(run.id, waiting.id));
  const event = { type: "budget.report_refused", runId: run.id, projectId: run.projectId, subject: waiting.id, meta: { action } } as const;
  if (keep) refuseKeeping(error, keep, event);
  refuse(error, event);
}

/**
 * Approving a budget checkpoint raises that run's budget, in the decision's write: by one more
 * per-run budget past what it used (the project's default, else its previous limit), and past the
 * project's monthly budget by as much (else a tenth of the month) when that was what ran out.
 */
export async function raiseRunBudget(tx: Tx, record: Record, ctx: Ctx, run: RunRef & { usedTokens: number }, checkpointId: string): Promise<void> {
  const now = ctx.clock.now();
  const month = monthOf(now);
  const budget = await tx.budgets.projectBudget(run.projectId);
  const raised = await tx.budgets.runBudget(run.id);
  const runLimit = raised?.limitTokens ?? budget?.runTokens ?? null;
  const monthly = budget?.monthlyTokens ?? null;
  const extra = raised?.projectExtraTokens ?? 0;
  const projectUsed = await tx.budgets.monthUsage(run.projectId, month);
  let limitTokens = raised?.limitTokens ?? null;
  let projectExtraTokens = extra;
  if (runLimit !== null && run.usedTokens >= runLimit) limitTokens = run.usedTokens + (budget?.runTokens ?? runLimit);
  if (monthly !== null && projectUsed >= monthly + extra) projectExtraTokens = projectUsed - monthly + (budget?.runTokens ?? Math.max(1, Math.ceil(monthly / 10)));
  await tx.budgets.putRunBudget({ runId: run.id, limitTokens, projectExtraTokens, updatedAt: now });
  await record({ type: "budget.raised", runId: run.id, projectId: run.projectId, subject: checkpointId, meta: { runLimitTokens: limitTokens ?? runLimit, projectExtraTokens } });
}
