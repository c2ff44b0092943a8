import { Elysia } from "elysia";
import { streamStillAllowed, visibleEvent } from "../../core/audit/visible-event.ts";
import { AppError } from "../../core/errors.ts";
import { authenticate, sessionIdOf } from "../auth.ts";
import type { RouteDeps } from "./index.ts";

export interface EventStreamOptions {
  /** Comment frames keep proxies and Bun's idle timeout from closing a quiet stream. */
  readonly heartbeatMs?: number;
  /** Open streams one person may hold (tabs); more are refused with `rate_limited`. */
  readonly maxStreamsPerUser?: number;
}

export const DEFAULT_HEARTBEAT_MS = 15_000;
export const DEFAULT_MAX_STREAMS_PER_USER = 5;

/**
 * `GET /api/events`: server-sent events of committed changes the signed-in role may see (type, run,
 * project, seq; never content), so the web app refetches the view a change touches. At each
 * heartbeat the session is re-checked without extending it: a revoked, expired or idle session, a
 * disabled person or a changed role ends the stream, and the browser's reconnect then gets 401.
 */
export function eventsRoutes(deps: RouteDeps, options: EventStreamOptions = {}) {
  const heartbeatMs = options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS;
  const maxPerUser = options.maxStreamsPerUser ?? DEFAULT_MAX_STREAMS_PER_USER;
  const openStreams = new Map<string, number>();

  return new Elysia().get("/api/events", async ({ request, set }) => {
    const ctx = await authenticate(deps, request, set);
    const actor = ctx.actor;
    const sessionId = sessionIdOf(ctx);
    if (actor.kind !== "human" || sessionId === null) throw new AppError("unauthenticated", "sign in to continue");
    const open = openStreams.get(actor.userId) ?? 0;
    if (open >= maxPerUser) throw new AppError("rate_limited", `at most ${maxPerUser} live-update streams per person; close other Railyard tabs`);
    openStreams.set(actor.userId, open + 1);

    const encoder = new TextEncoder();
    let finish: () => void = () => {};
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        let done = false;
        const send = (text: string) => {
          if (done) return;
          try {
            controller.enqueue(encoder.encode(text));
          } catch {
            finish();
          }
        };
        const unsubscribe = deps.services.bus.subscribe((event) => {
          const visible = visibleEvent(actor, event);
          if (visible) send(`id: ${visible.seq}\nevent: change\ndata: ${JSON.stringify(visible)}\n\n`);
        });
        let checking = false;
        const heartbeat = async () => {
          let allowed = false;
          try {
            allowed = await streamStillAllowed(ctx, sessionId);
          } catch {
            // A failed check (database closing) ends the stream rather than keep it unchecked.
          }
          if (!allowed) {
            send("event: end\ndata: {}\n\n");
            finish();
            return;
          }
          send(": heartbeat\n\n");
        };
        const timer = setInterval(() => {
          // One check at a time: a slow check is not stacked up behind another.
          if (checking || done) return;
          checking = true;
          void heartbeat().finally(() => {
            checking = false;
          });
        }, heartbeatMs);
        finish = () => {
          if (done) return;
          done = true;
          clearInterval(timer);
          unsubscribe();
          const left = (openStreams.get(actor.userId) ?? 1) - 1;
          if (left > 0) openStreams.set(actor.userId, left);
          else openStreams.delete(actor.userId);
          try {
            controller.close();
          } catch {
            // Already closed or cancelled by the client.
          }
        };
        request.signal.addEventListener("abort", () => finish(), { once: true });
        // At shutdown the stream ends at once (the browser reconnects to the next server), so the
        // server's drain does not wait the whole grace period for it.
        const shutdown = deps.services.shutdown;
        const onShutdown = () => finish();
        shutdown.addEventListener("abort", onShutdown, { once: true });
        const finishStream = finish;
        finish = () => {
          shutdown.removeEventListener("abort", onShutdown);
          finishStream();
        };
        send("retry: 5000\n: connected\n\n");
        if (shutdown.aborted) finish();
      },
      cancel() {
        finish();
      },
    });
    const headers = new Headers({ "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-store", "x-accel-buffering": "no" });
    const cookie = (set.headers as Record<string, string | undefined>)["set-cookie"];
    if (cookie) headers.set("set-cookie", cookie);
    return new Response(body, { headers });
  });
}
