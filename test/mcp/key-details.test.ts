// Key details for the Keys screen (issue 13, finding 9): which MCP client uses a key (its
// clientInfo name and version, in both protocol eras), where its last use came from, and how many
// requests it made, without a database write per tool call.
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { authenticateKey } from "../../src/core/key/authenticate-key.ts";
import { createKey } from "../../src/core/key/create-key.ts";
import { clientText } from "../../src/core/key/key-usage.ts";
import { createTestApp, seedUser, type TestApp } from "../support/app.ts";
import { api } from "../support/http.ts";
import { connectV1, connectV2, seedAgent, serve, type Served } from "../support/mcp.ts";
import { sessionHeaders } from "../support/session-cookie.ts";

let app: TestApp;
let served: Served | null = null;
beforeEach(async () => {
  app = await createTestApp();
});
afterEach(async () => {
  await served?.stop();
  served = null;
  await app.dispose();
});

const stored = async (id: string) => (await app.store.read.keys.byId(id))!;

describe("key details", () => {
  test("each request counts as a call: the database gets the count and the address with the once-a-minute write, and the list adds the requests not yet written", async () => {
    const { actor } = await seedUser(app, "developer");
    const { id, key } = await createKey({ ctx: app.ctx(actor), input: { name: "laptop" } });
    await authenticateKey(app.services, key, "10.0.0.1");
    expect(await stored(id)).toMatchObject({ calls: 1, lastAddress: "10.0.0.1", lastUsedAt: app.clock.now() });
    app.clock.advance(10_000);
    await authenticateKey(app.services, key, "10.0.0.2");
    await authenticateKey(app.services, key, "10.0.0.2");
    // Not written yet (at most one write a minute), but counted.
    expect(await stored(id)).toMatchObject({ calls: 1, lastAddress: "10.0.0.1" });
    const headers = await sessionHeaders(app, actor);
    const listed = await api(app, "GET", "/api/keys", { headers });
    expect(listed.json.keys[0]).toMatchObject({ id, calls: 3, lastAddress: "10.0.0.1" });
    app.clock.advance(60_000);
    await authenticateKey(app.services, key, "10.0.0.3");
    expect(await stored(id)).toMatchObject({ calls: 4, lastAddress: "10.0.0.3", lastUsedAt: app.clock.now() });
    expect((await api(app, "GET", "/api/keys", { headers })).json.keys[0].calls).toBe(4);
  });

  test("the client's name and version from clientInfo are stored for both protocol eras, written again only when the client changes", async () => {
    served = serve(app);
    const agent = await seedAgent(app, "developer");
    const v1 = await connectV1(served, agent.key);
    await v1.listTools();
    expect(await stored(agent.keyId)).toMatchObject({ clientName: "railyard-test-v1", clientVersion: "1.0.0" });
    await v1.close();
    const v2 = await connectV2(served, agent.key);
    await v2.listTools();
    expect(await stored(agent.keyId)).toMatchObject({ clientName: "railyard-test-v2", clientVersion: "1.0.0" });
    // The same client again: no write (the row is changed behind its back and stays so).
    await app.store.write((tx) => tx.keys.setClient(agent.keyId, "changed behind", null));
    await v2.listTools();
    expect((await stored(agent.keyId)).clientName).toBe("changed behind");
    await v2.close();
    const headers = await sessionHeaders(app, agent.human);
    const listed = (await api(app, "GET", "/api/keys", { headers })).json.keys[0];
    expect(listed.client).toEqual({ name: "changed behind", version: null });
    expect(listed.lastAddress).toBe("127.0.0.1");
    expect(listed.calls).toBeGreaterThanOrEqual(3);
  });

  test("client text is kept printable and short: control characters removed, capped at 100, blank or non-text ignored", () => {
    expect(clientText("claude-code\u0000\u001b[31m")).toBe("claude-code[31m");
    expect(clientText("x".repeat(500))).toHaveLength(100);
    expect(clientText("   ")).toBeNull();
    expect(clientText(42)).toBeNull();
  });
});
