import { Elysia } from "elysia";
import { getRunbook } from "../../core/runbook/get-runbook.ts";
import { listRunbooks } from "../../core/runbook/list-runbooks.ts";
import { publishRunbookVersion } from "../../core/runbook/publish-runbook-version.ts";
import { approveRunbookChange, rejectRunbookChange } from "../../core/runbook/runbook-change.ts";
import { authenticate, bodyFields } from "../auth.ts";
import type { RouteDeps } from "./index.ts";

/** Runbooks and their immutable versions; editing publishes a new version. */
export function runbooksRoutes(deps: RouteDeps) {
  return new Elysia()
    .get("/api/runbooks", async ({ request, set }) => {
      const ctx = await authenticate(deps, request, set);
      return { runbooks: await listRunbooks({ ctx }) };
    }, { detail: { summary: "Runbooks with their latest version" } })
    .get("/api/runbooks/:id", async ({ request, set, params }) => {
      const ctx = await authenticate(deps, request, set);
      return await getRunbook({ ctx, input: { runbookId: params.id } });
    }, { detail: { summary: "One runbook with all its versions, newest first" } })
    .post("/api/runbooks/:id/versions", async ({ request, set, params, body }) => {
      const ctx = await authenticate(deps, request, set, { write: true });
      const result = await publishRunbookVersion({ ctx, input: { ...bodyFields(body), runbookId: params.id } });
      // A loosening is accepted for review, not published: 202 with the pending change.
      set.status = result.version ? 201 : 202;
      return result;
    }, { detail: { summary: "Publish a new version {phases: [{name, gate?: {minRole}, exit?: {requires}}]} (lead, admin, owner); a loosening answers 202 {change} and waits for a second person" } })
    .post("/api/runbooks/:id/changes/:changeId/approve", async ({ request, set, params, body }) => {
      const ctx = await authenticate(deps, request, set, { write: true });
      return await approveRunbookChange({ ctx, input: { ...bodyFields(body), runbookId: params.id, changeId: params.changeId } });
    }, { detail: { summary: "Approve a pending loosening {reason?} (lead, admin, owner; not its proposer): publishes it" } })
    .post("/api/runbooks/:id/changes/:changeId/reject", async ({ request, set, params, body }) => {
      const ctx = await authenticate(deps, request, set, { write: true });
      return await rejectRunbookChange({ ctx, input: { ...bodyFields(body), runbookId: params.id, changeId: params.changeId } });
    }, { detail: { summary: "Reject (or, as its proposer, withdraw) a pending loosening {reason?} (lead, admin, owner)" } });
}
