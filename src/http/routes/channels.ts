import { Elysia } from "elysia";
import { createChannel } from "../../core/notify/create-channel.ts";
import { deleteChannel } from "../../core/notify/delete-channel.ts";
import { listChannels } from "../../core/notify/list-channels.ts";
import { listDeliveries } from "../../core/notify/list-deliveries.ts";
import { testChannel } from "../../core/notify/test-channel.ts";
import { updateChannel } from "../../core/notify/update-channel.ts";
import { authenticate, bodyFields } from "../auth.ts";
import type { RouteDeps } from "./index.ts";

/** Notification channels (owner and admin): webhooks, Slack-compatible, Teams, ntfy, email. Secrets are write-only. */
export function channelsRoutes(deps: RouteDeps) {
  return new Elysia()
    .get("/api/channels", async ({ request, set }) => {
      const ctx = await authenticate(deps, request, set);
      return listChannels({ ctx });
    }, { detail: { summary: "Notification channels with their delivery counts (owner and admin; no secret is ever returned)" } })
    .post("/api/channels", async ({ request, body, set }) => {
      const ctx = await authenticate(deps, request, set, { write: true });
      const channel = await createChannel({ ctx, input: bodyFields(body) });
      set.status = 201;
      return { channel };
    }, { detail: { summary: "Add a channel {name, kind: webhook|slack|teams|ntfy|email, events?, projects?, …per kind}" } })
    .patch("/api/channels/:id", async ({ request, body, params, set }) => {
      const ctx = await authenticate(deps, request, set, { write: true });
      return { channel: await updateChannel({ ctx, input: { id: params.id, patch: bodyFields(body) } }) };
    }, { detail: { summary: "Change a channel; omitted secrets stay, null removes an optional one" } })
    .delete("/api/channels/:id", async ({ request, params, set }) => {
      const ctx = await authenticate(deps, request, set, { write: true });
      return { channel: await deleteChannel({ ctx, input: { id: params.id } }) };
    }, { detail: { summary: "Delete a channel and its deliveries" } })
    .post("/api/channels/:id/test", async ({ request, params, set }) => {
      const ctx = await authenticate(deps, request, set, { write: true });
      const queued = await testChannel({ ctx, input: { id: params.id }, baseUrl: deps.config.publicUrl ?? new URL(request.url).origin });
      set.status = 202;
      return queued;
    }, { detail: { summary: "Send a sample message through the channel (queued; its outcome shows in the channel's deliveries)" } })
    .get("/api/channels/:id/deliveries", async ({ request, params, set }) => {
      const ctx = await authenticate(deps, request, set);
      const q = new URL(request.url).searchParams;
      const limit = q.get("limit");
      return listDeliveries({ ctx, input: { id: params.id, status: q.get("status") || undefined, cursor: q.get("cursor") || undefined, limit: limit ? Number(limit) : undefined } });
    }, { detail: { summary: "A channel's deliveries, newest first (?status=failed for final failures with the HTTP status or SMTP reply)" } });
}
