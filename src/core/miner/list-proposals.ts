import type { Ctx } from "../context.ts";
import { forbidden } from "../errors.ts";
import { parseInput } from "../validate.ts";
import { ListProposalsInput, type ProposalView } from "./schemas.ts";
import { mayDecideProposals, proposalView } from "./view.ts";

/** The ritual miner's proposals, newest first (leads, admins and owners). */
export async function listProposals({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<ProposalView[]> {
  if (!mayDecideProposals(ctx.actor)) throw forbidden("runbook proposals are for leads, admins and owners");
  const data = parseInput(ListProposalsInput, input);
  const q = ctx.store.read;
  const rows = await q.miner.proposals(data.status ?? null, data.limit ?? 100);
  const out: ProposalView[] = [];
  for (const row of rows) out.push(await proposalView(q, ctx.actor, row));
  return out;
}
