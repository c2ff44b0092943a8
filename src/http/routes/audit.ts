import { Elysia } from "elysia";
import { auditFilterOptions } from "../../core/audit/audit-filter-options.ts";
import { exportAudit } from "../../core/audit/export-audit.ts";
import { listAuditEvents } from "../../core/audit/list-audit-events.ts";
import { purgeAudit } from "../../core/audit/purge-audit.ts";
import { verifyAuditChain } from "../../core/audit/verify-audit-chain.ts";
import { eraseUser } from "../../core/user/erase-user.ts";
import { authenticate } from "../auth.ts";
import type { RouteDeps } from "./index.ts";

/** Empty query parameters (`?type=`) mean "no filter", as a form submitting blank fields sends them. */
function filledQuery(request: Request): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of new URL(request.url).searchParams) if (value !== "") out[key] = value;
  return out;
}

/** The audit trail: query, verify, export (streamed) and the owner's retention purge. */
export function auditRoutes(deps: RouteDeps) {
  return new Elysia()
    .get("/api/audit", async ({ request, set }) => {
      const ctx = await authenticate(deps, request, set);
      return await listAuditEvents({ ctx, input: filledQuery(request) });
    }, { detail: { summary: "Audit events, newest first: filters type, actor, run, project, since, until; cursor pagination (role-scoped)" } })
    .get("/api/audit/filters", async ({ request, set }) => {
      const ctx = await authenticate(deps, request, set);
      return await auditFilterOptions({ ctx });
    }, { detail: { summary: "The audit explorer's filter choices: every event type with its description, and people by name" } })
    .get("/api/audit/verify", async ({ request, set }) => {
      const ctx = await authenticate(deps, request, set);
      return await verifyAuditChain({ ctx });
    }, { detail: { summary: "Verify the audit hash chain and its head anchor; records audit.verified" } })
    .get("/api/audit/export", async ({ request, set }) => {
      const ctx = await authenticate(deps, request, set);
      const exported = await exportAudit({ ctx, input: filledQuery(request) });
      const encoder = new TextEncoder();
      const body = new ReadableStream<Uint8Array>({
        // One batch per pull: the consumer's pace decides how much is read from the database.
        async pull(controller) {
          const next = await exported.chunks.next();
          if (next.done) controller.close();
          else controller.enqueue(encoder.encode(next.value));
        },
        async cancel() {
          await exported.chunks.return(undefined);
        },
      });
      const stamp = new Date(deps.services.clock.now()).toISOString().slice(0, 10);
      return new Response(body, {
        headers: {
          "content-type": exported.contentType,
          "content-disposition": `attachment; filename="railyard-audit-${stamp}.${exported.format}"`,
          "cache-control": "no-store",
        },
      });
    }, { detail: { summary: "Export the audit trail as JSON lines or CSV, streamed, with the explorer's filters type, actor, run, project, since, until (owner and auditor)" } })
    .post("/api/audit/purge", async ({ request, set }) => {
      const ctx = await authenticate(deps, request, set, { write: true });
      return await purgeAudit(ctx);
    }, { detail: { summary: "Purge events older than the retention period, anchoring the chain (owner only)" } });
}

/** GDPR erasure of a person (kept next to the audit routes: it is defined by what the trail keeps). */
export function userErasureRoutes(deps: RouteDeps) {
  return new Elysia().post("/api/users/:id/erase", async ({ request, set, params }) => {
    const ctx = await authenticate(deps, request, set, { write: true });
    return await eraseUser({ ctx, input: { userId: params.id } });
  }, { detail: { summary: "Erase a person (GDPR): profile replaced, sessions and keys revoked; events keep the opaque id" } });
}
