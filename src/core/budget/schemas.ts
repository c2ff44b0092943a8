import { z } from "zod";

/** At most a quadrillion tokens: far above any month, still exact in a double and a bigint. */
const Tokens = z.int().min(1).max(1_000_000_000_000_000);

export const ProjectSlugInput = z.strictObject({ projectSlug: z.string().max(64) });

export const PutBudgetInput = z.strictObject({
  projectSlug: z.string().max(64),
  /** Tokens per calendar month (UTC) for the whole project; null: no limit. */
  monthlyTokens: Tokens.nullable(),
  /** Default tokens per run; null: no limit. */
  runTokens: Tokens.nullable(),
});

/** The share of a budget that sends the notice to owners and leads. */
export const NOTICE_PERCENT = 80;

/** A threshold crossing as the web app shows it. */
export interface BudgetNotice {
  scope: "project" | "run";
  runId: string | null;
  percent: number;
  limitTokens: number;
  usedTokens: number;
  at: number;
}

export interface BudgetView {
  project: { id: string; slug: string; name: string };
  monthlyTokens: number | null;
  runTokens: number | null;
  /** The current UTC month (`YYYY-MM`) and the tokens the project used in it. */
  month: string;
  usedTokens: number;
  remainingTokens: number | null;
  percent: number | null;
  /** This month's threshold crossings, newest first. */
  notices: BudgetNotice[];
  /** This month's usage per model, with its cost when the owner set a price for the model. */
  models: { model: string; inputTokens: number; outputTokens: number; cacheTokens: number; cost: number | null }[];
  currency: string;
  canEdit: boolean;
  updatedAt: number | null;
}

/** What report_usage answers about budgets (snake_case: it reaches agents). */
export interface UsageBudget {
  run: { limit_tokens: number | null; used_tokens: number; remaining_tokens: number | null };
  project: { month: string; limit_tokens: number | null; used_tokens: number; remaining_tokens: number | null };
  /** The pending budget checkpoint the run waits on, or null. */
  checkpoint_id: string | null;
}
