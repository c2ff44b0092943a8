import { Elysia } from "elysia";
import { approveProposal, dismissProposal } from "../../core/miner/decide-proposal.ts";
import { listProposals } from "../../core/miner/list-proposals.ts";
import { authenticate, bodyWithPath } from "../auth.ts";
import type { RouteDeps } from "./index.ts";

/** The ritual miner's runbook proposals and their decisions (lead, admin, owner). */
export function runbookProposalsRoutes(deps: RouteDeps) {
  return new Elysia()
    .get("/api/runbook-proposals", async ({ request, set }) => {
      const ctx = await authenticate(deps, request, set);
      const q = new URL(request.url).searchParams;
      const input: Record<string, unknown> = {};
      if (q.get("status")) input.status = q.get("status");
      if (q.get("limit")) input.limit = Number(q.get("limit"));
      return { proposals: await listProposals({ ctx, input }) };
    }, { detail: { summary: "Runbook patches the ritual miner proposes, newest first (?status=open|awaiting_second|approved|dismissed), each with its diff and evidence (lead, admin, owner)" } })
    .post("/api/runbook-proposals/:id/approve", async ({ request, set, params, body }) => {
      const ctx = await authenticate(deps, request, set, { write: true });
      return { proposal: await approveProposal({ ctx, input: bodyWithPath(body, { proposalId: params.id }) }) };
    }, { detail: { summary: "Approve a proposal {reason?}: publishes it, or (a weakening change) records the first of two approvals (lead, admin, owner)" } })
    .post("/api/runbook-proposals/:id/dismiss", async ({ request, set, params, body }) => {
      const ctx = await authenticate(deps, request, set, { write: true });
      return { proposal: await dismissProposal({ ctx, input: bodyWithPath(body, { proposalId: params.id }) }) };
    }, { detail: { summary: "Dismiss a proposal {reason?}: its pattern is muted for the miner's window (lead, admin, owner)" } });
}
