import { Elysia } from "elysia";
import { getRunbook } from "../../core/runbook/get-runbook.ts";
import { listRunbooks } from "../../core/runbook/list-runbooks.ts";
import { publishRunbookVersion } from "../../core/runbook/publish-runbook-version.ts";
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
      const version = await publishRunbookVersion({ ctx, input: { ...bodyFields(body), runbookId: params.id } });
      set.status = 201;
      return { version };
    }, { detail: { summary: "Publish a new version {phases: [{name, gate?: {minRole}, exit?: {requires}}]} (lead, admin, owner)" } });
}
