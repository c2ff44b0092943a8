// MCP test helpers: a real loopback server around the app, plugin keys for seeded users, and
// connected SDK clients of both protocol eras (v2 client negotiating 2026-07-28, v1 client 2025-11-25).
import { Client } from "@modelcontextprotocol/client";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { Client as V1Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport as V1Transport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { createKey } from "../../src/core/key/create-key.ts";
import type { Actor } from "../../src/core/context.ts";
import type { Role } from "../../src/core/roles.ts";
import { seedUser, type TestApp } from "./app.ts";

export interface Served {
  readonly url: string;
  stop(): Promise<void>;
}

/** Serves the app's real fetch handler on 127.0.0.1 with a free port. */
export function serve(app: TestApp): Served {
  const server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: app.http.fetch, maxRequestBodySize: app.config.maxBodyBytes });
  return { url: `http://127.0.0.1:${server.port}`, stop: () => server.stop(true) };
}

export interface Agent {
  readonly key: string;
  readonly keyId: string;
  readonly userId: string;
  readonly role: Role;
  /** The core actor of this key (for calling verbs directly). */
  readonly actor: Extract<Actor, { kind: "agent" }>;
  /** The person behind the key. */
  readonly human: Extract<Actor, { kind: "human" }>;
}

/** Seeds a user of `role` and creates a plugin key for them. */
export async function seedAgent(app: TestApp, role: Role = "developer"): Promise<Agent> {
  const { user, actor } = await seedUser(app, role);
  const created = await createKey({ ctx: app.ctx(), input: { name: "test agent", userId: user.id } });
  return {
    key: created.key, keyId: created.id, userId: user.id, role,
    actor: { kind: "agent", keyId: created.id, userId: user.id, role },
    human: actor as Extract<Actor, { kind: "human" }>,
  };
}

/** A v2 SDK client that negotiates the 2026-07-28 (stateless) era. */
export async function connectV2(served: Served, key: string): Promise<Client> {
  const client = new Client({ name: "railyard-test-v2", version: "1.0.0" }, { versionNegotiation: { mode: "auto" } });
  await client.connect(new StreamableHTTPClientTransport(new URL(`${served.url}/mcp`), { requestInit: { headers: { authorization: `Bearer ${key}` } } }));
  return client;
}

/** A v1 SDK client speaking the 2025-11-25 era (initialize handshake). */
export async function connectV1(served: Served, key: string): Promise<V1Client> {
  const client = new V1Client({ name: "railyard-test-v1", version: "1.0.0" });
  await client.connect(new V1Transport(new URL(`${served.url}/mcp`), { requestInit: { headers: { authorization: `Bearer ${key}` } } }));
  return client;
}

/** The structured result of a tool call (fails the test with the text when the call errored). */
export function structured<T = any>(result: any): T {
  if (result.isError) throw new Error(`tool call failed: ${JSON.stringify(result.content)}`);
  return result.structuredContent as T;
}

/** The text of a tool result. */
export function textOf(result: any): string {
  return ((result.content as { type: string; text?: string }[] | undefined) ?? []).map((c) => c.text ?? "").join("\n");
}
