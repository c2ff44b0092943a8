import { Elysia } from "elysia";
import { decideCheckpoint } from "../../core/checkpoint/decide-checkpoint.ts";
import { listCheckpoints } from "../../core/checkpoint/list-checkpoints.ts";
import { authenticate, bodyFields } from "../auth.ts";
import type { RouteDeps } from "./index.ts";

/** The approvals queue and the human-only decisions (plugin keys never reach these: they need a session). */
export function checkpointsRoutes(deps: RouteDeps) {
  const decide = (decision: "approve" | "reject") => async ({ request, set, params, body }: { request: Request; set: { headers: any }; params: { id: string }; body: unknown }) => {
    const ctx = await authenticate(deps, request, set, { write: true });
    return { checkpoint: await decideCheckpoint({ ctx, input: { ...bodyFields(body), checkpointId: params.id, decision } }) };
  };
  return new Elysia()
    .get("/api/checkpoints", async ({ request, set }) => {
      const ctx = await authenticate(deps, request, set);
      const q = new URL(request.url).searchParams;
      const input: Record<string, unknown> = {};
      for (const key of ["status", "cursor"]) if (q.get(key)) input[key] = q.get(key);
      if (q.get("limit")) input.limit = Number(q.get("limit"));
      return await listCheckpoints({ ctx, input });
    }, { detail: { summary: "Checkpoints { checkpoints, total, nextCursor } (?status=pending: the approvals queue, soonest-expiring first; ?cursor=, ?limit=), with whether you may decide each" } })
    .post("/api/checkpoints/:id/approve", decide("approve"), { detail: { summary: "Approve a pending checkpoint {reason} (lead or above, not the run's owner)" } })
    .post("/api/checkpoints/:id/reject", decide("reject"), { detail: { summary: "Reject a pending checkpoint {reason}; the run becomes blocked" } });
}
