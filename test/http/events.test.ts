import { afterAll, describe, expect, test } from "bun:test";
import type { EventBus, PublishedEvent, Services } from "../../src/core/context.ts";
import { createEventBus } from "../../src/core/context.ts";
import { transact } from "../../src/core/transact.ts";
import { revokeUserSessions } from "../../src/core/user/session.ts";
import { createHttpApp } from "../../src/http/app.ts";
import { eventsRoutes, type EventStreamOptions } from "../../src/http/routes/events.ts";
import { WEB_ASSETS } from "../../src/http/web-assets.generated.ts";
import { createTestApp, seedUser, type TestApp } from "../support/app.ts";
import { sessionHeaders } from "../support/session-cookie.ts";

const app = await createTestApp();
afterAll(() => app.dispose());

/** Reads SSE frames from a streaming response body as they arrive. */
function frames(res: Response) {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  return {
    /** Resolves with the next complete frame (text up to a blank line). */
    async next(): Promise<string> {
      for (;;) {
        const end = buffer.indexOf("\n\n");
        if (end >= 0) {
          const frame = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          return frame;
        }
        const { value, done } = await reader.read();
        if (done) return "<closed>";
        buffer += decoder.decode(value, { stream: true });
      }
    },
    /** Frames until one satisfying `match`, collecting every frame read on the way. */
    async until(match: (frame: string) => boolean): Promise<string[]> {
      const seen: string[] = [];
      for (;;) {
        const frame = await this.next();
        seen.push(frame);
        if (match(frame) || frame === "<closed>") return seen;
      }
    },
    close: () => reader.cancel(),
  };
}

const data = (frame: string) => JSON.parse(frame.split("\n").find((l) => l.startsWith("data: "))!.slice(6));
const isChange = (frame: string) => frame.includes("event: change");

/** An app whose only router is the events stream, with test options and an observable bus. */
function streamApp(base: TestApp, options: EventStreamOptions) {
  const inner = createEventBus();
  let listeners = 0;
  const bus: EventBus = {
    publish: (e) => inner.publish(e),
    subscribe(listener) {
      listeners++;
      const off = inner.subscribe(listener);
      return () => {
        listeners--;
        off();
      };
    },
  };
  const services: Services = { ...base.services, bus };
  const http = createHttpApp({ services, config: base.config, web: WEB_ASSETS, routers: [eventsRoutes({ services, config: base.config }, options)] });
  return {
    bus,
    listeners: () => listeners,
    request: (path: string, init?: RequestInit) => http.handle(new Request(`http://127.0.0.1:${base.config.port}${path}`, init)),
  };
}

const event = (type: string, extra: Partial<PublishedEvent> = {}): PublishedEvent => ({ seq: 1, at: 1, type, runId: null, projectId: null, subject: null, hash: "0".repeat(64), ...extra });

describe("GET /api/events", () => {
  test("without a session it answers 401 JSON and opens no stream", async () => {
    const res = await app.request("/api/events");
    expect(res.status).toBe(401);
    expect(res.headers.get("content-type")).toContain("application/json");
    expect((await res.json()).error.code).toBe("unauthenticated");
  });

  test("a signed-in owner receives committed audit events as change frames, without subjects", async () => {
    const { actor } = await seedUser(app, "owner");
    const res = await app.request("/api/events", { headers: await sessionHeaders(app, actor) });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toStartWith("text/event-stream");
    expect(res.headers.get("cache-control")).toBe("no-store");
    const stream = frames(res);
    expect(await stream.next()).toContain(": connected");
    await transact(app.ctx(), (_tx, record) => record({ type: "settings.changed", subject: "src/secret/path.ts", meta: { keys: ["retentionDays"] } }));
    const [frame] = await stream.until(isChange);
    const body = data(frame!);
    expect(body.type).toBe("settings.changed");
    expect(typeof body.seq).toBe("number");
    expect(body).not.toHaveProperty("subject");
    expect(frame).not.toContain("src/secret/path.ts");
    expect(frame).toContain(`id: ${body.seq}`);
    await stream.close();
  });

  test("a developer receives run and checkpoint events but not people, key or settings events", async () => {
    const { actor } = await seedUser(app, "developer");
    const res = await app.request("/api/events", { headers: await sessionHeaders(app, actor) });
    const stream = frames(res);
    await stream.next();
    await transact(app.ctx(), async (_tx, record) => {
      await record({ type: "user.created", subject: "usr_x" });
      await record({ type: "key.created", subject: "key_x" });
      await record({ type: "settings.changed" });
      await record({ type: "auth.login_failed" });
      await record({ type: "checkpoint.requested", subject: "chk_x" });
    });
    const seen = await stream.until(isChange);
    const changes = seen.filter(isChange).map((f) => data(f).type);
    expect(changes).toEqual(["checkpoint.requested"]);
    await stream.close();
  });

  test("an auditor (reads the whole trail) also receives people and security events", async () => {
    const { actor } = await seedUser(app, "auditor");
    const stream = frames(await app.request("/api/events", { headers: await sessionHeaders(app, actor) }));
    await stream.next();
    await transact(app.ctx(), (_tx, record) => record({ type: "auth.login_failed" }));
    const [frame] = await stream.until(isChange);
    expect(data(frame!).type).toBe("auth.login_failed");
    await stream.close();
  });

  test("disconnecting unsubscribes from the bus and frees the stream slot", async () => {
    const local = streamApp(app, { maxStreamsPerUser: 2, heartbeatMs: 60_000 });
    const { actor } = await seedUser(app, "lead");
    const headers = await sessionHeaders(app, actor);
    const a = frames(await local.request("/api/events", { headers }));
    const b = frames(await local.request("/api/events", { headers }));
    await a.next();
    await b.next();
    expect(local.listeners()).toBe(2);

    const third = await local.request("/api/events", { headers });
    expect(third.status).toBe(429);
    expect((await third.json()).error.code).toBe("rate_limited");
    expect(local.listeners()).toBe(2);

    await a.close();
    expect(local.listeners()).toBe(1);
    const again = await local.request("/api/events", { headers });
    expect(again.status).toBe(200);
    await frames(again).close();
    await b.close();
    expect(local.listeners()).toBe(0);
  });

  test("the stream limit is per person: another person still connects", async () => {
    const local = streamApp(app, { maxStreamsPerUser: 1, heartbeatMs: 60_000 });
    const first = await seedUser(app, "lead");
    const second = await seedUser(app, "lead");
    const a = frames(await local.request("/api/events", { headers: await sessionHeaders(app, first.actor) }));
    await a.next();
    const other = await local.request("/api/events", { headers: await sessionHeaders(app, second.actor) });
    expect(other.status).toBe(200);
    await frames(other).close();
    await a.close();
  });

  test("heartbeats arrive as comment frames on a quiet stream", async () => {
    const local = streamApp(app, { heartbeatMs: 10 });
    const { actor } = await seedUser(app, "developer");
    const stream = frames(await local.request("/api/events", { headers: await sessionHeaders(app, actor) }));
    const seen = await stream.until((f) => f === ": heartbeat");
    expect(seen.at(-1)).toBe(": heartbeat");
    await stream.close();
  });

  test("revoking the session ends the stream at the next heartbeat, with an end frame", async () => {
    const local = streamApp(app, { heartbeatMs: 10 });
    const { actor } = await seedUser(app, "lead");
    const stream = frames(await local.request("/api/events", { headers: await sessionHeaders(app, actor) }));
    await stream.next();
    if (actor.kind !== "human") throw new Error("unreachable");
    await transact(app.ctx(), (tx, record) => revokeUserSessions(tx, record, app.clock.now(), actor.userId, "test"));
    const seen = await stream.until((f) => f.startsWith("event: end"));
    expect(seen.at(-1)).toStartWith("event: end");
    expect(await stream.next()).toBe("<closed>");
    expect(local.listeners()).toBe(0);
  });

  test("an idle session ends the stream: the stream itself never counts as activity", async () => {
    const idleApp = await createTestApp();
    try {
      const local = streamApp(idleApp, { heartbeatMs: 10 });
      const { actor } = await seedUser(idleApp, "developer");
      const stream = frames(await local.request("/api/events", { headers: await sessionHeaders(idleApp, actor) }));
      await stream.next();
      await stream.until((f) => f === ": heartbeat");
      idleApp.clock.advance(16 * 60_000);
      const seen = await stream.until((f) => f.startsWith("event: end"));
      expect(seen.at(-1)).toStartWith("event: end");
    } finally {
      await idleApp.dispose();
    }
  });

  test("a published event the role may not see is never written, even to an open stream", async () => {
    const local = streamApp(app, { heartbeatMs: 10 });
    const { actor } = await seedUser(app, "developer");
    const stream = frames(await local.request("/api/events", { headers: await sessionHeaders(app, actor) }));
    await stream.next();
    local.bus.publish(event("key.revoked", { subject: "key_secret" }));
    local.bus.publish(event("run.started", { seq: 2, runId: "run_x" }));
    const seen = await stream.until(isChange);
    expect(seen.join("\n")).not.toContain("key.revoked");
    expect(data(seen.at(-1)!)).toEqual({ seq: 2, at: 1, type: "run.started", runId: "run_x", projectId: null });
    await stream.close();
  });
});
