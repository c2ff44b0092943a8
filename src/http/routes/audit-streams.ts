import { Elysia } from "elysia";
import { createStream } from "../../core/stream/create-stream.ts";
import { deleteStream } from "../../core/stream/delete-stream.ts";
import { listStreams } from "../../core/stream/list-streams.ts";
import { updateStream } from "../../core/stream/update-stream.ts";
import { authenticate, bodyFields } from "../auth.ts";
import type { RouteDeps } from "./index.ts";

/** SIEM destinations of the audit trail (DESIGN.md §12), each with its cursor and lag. */
export function auditStreamsRoutes(deps: RouteDeps) {
  return new Elysia()
    .get("/api/audit-streams", async ({ request, set }) => {
      const ctx = await authenticate(deps, request, set);
      const streams = await listStreams({ ctx });
      return { streams, total: streams.length, nextCursor: null };
    }, { detail: { summary: "Audit-stream destinations with their cursor, lag (events and seconds) and last error (owner, admin, auditor)" } })
    .post("/api/audit-streams", async ({ request, body, set }) => {
      const ctx = await authenticate(deps, request, set, { write: true });
      const stream = await createStream({ ctx, input: bodyFields(body) });
      set.status = 201;
      return { stream };
    }, { detail: { summary: "Add a destination {name, url: tcp:// | tls:// | http(s)://, caPem?, eventTypes?, projectIds?, startAt?: oldest | next} (owner)" } })
    .patch("/api/audit-streams/:id", async ({ request, body, params, set }) => {
      const ctx = await authenticate(deps, request, set, { write: true });
      return { stream: await updateStream({ ctx, input: { ...bodyFields(body), id: params.id } }) };
    }, { detail: { summary: "Change a destination's name, address, CA, filters or enabled state; its cursor is kept (owner)" } })
    .delete("/api/audit-streams/:id", async ({ request, params, set }) => {
      const ctx = await authenticate(deps, request, set, { write: true });
      return await deleteStream({ ctx, input: { id: params.id } });
    }, { detail: { summary: "Remove a destination and its cursor (owner)" } });
}
