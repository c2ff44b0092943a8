// The statements agents hit on nearly every call look rows up by index, whatever else the
// database holds: SQLite's own query plans of the statements the store really prepares while every
// MCP tool is called once (captured as they are prepared), not of copies of them.
import { Database } from "bun:sqlite";
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { createTestApp, seedUser, type TestApp } from "../support/app.ts";
import { everyTool } from "../support/every-tool.ts";
import { callTool } from "../support/mcp-call.ts";
import { seedAgent } from "../support/mcp.ts";
import { seedCanaryProject } from "../support/projects.ts";

describe("SQLite's query plans of the prepared statements", () => {
  const prepared: string[] = [];
  let app: TestApp;
  let db: Database;
  const proto = Database.prototype as unknown as { prepare: (sql: string, ...rest: unknown[]) => unknown };
  const original = proto.prepare;

  beforeAll(async () => {
    proto.prepare = function (this: Database, sql: string, ...rest: unknown[]) {
      prepared.push(sql);
      return original.call(this, sql, ...rest);
    };
    try {
      // Always the embedded database: these are SQLite's plans.
      app = await createTestApp({ "key-rate-limit": "1000000" }, { sqlite: true });
      await seedCanaryProject(app);
      const agent = await seedAgent(app, "developer");
      const lead = (await seedUser(app, "lead")).actor;
      await everyTool(app, agent, lead, 1);
      // A checkpoint found expired when it is read: the one-checkpoint expiry.
      const run = (await callTool(app, agent.key, "start_run", { project: "shop", title: "expires" })).structured as { run_id: string };
      const asked = (await callTool(app, agent.key, "request_approval", { run_id: run.run_id, reason: "release", summary: "later" })).structured as { checkpoint_id: string };
      app.clock.advance(30 * 24 * 3_600_000);
      expect((await callTool(app, agent.key, "get_checkpoint", { checkpoint_id: asked.checkpoint_id })).structured).toMatchObject({ status: "expired" });
    } finally {
      proto.prepare = original;
    }
    db = new Database(join(app.dataDir, "railyard.sqlite"), { readonly: true });
  }, 30_000);

  afterAll(async () => {
    db?.close();
    await app?.dispose();
  });

  const plan = (sql: string) => (db.query(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[]).map((r) => r.detail);

  test("every statement that selects a run's checkpoints searches the run's index, never every pending checkpoint", () => {
    const ofRun = prepared.filter((sql) => /"checkpoints"\."run_id" = \?/.test(sql));
    // pendingOfRun, hasPending, approvedGateSince, expiring one run's, finishing a run's, …
    expect(ofRun.length).toBeGreaterThanOrEqual(4);
    for (const sql of ofRun) {
      const lines = plan(sql).filter((line) => /\bcheckpoints\b/.test(line) && !/autoindex_checkpoints_1/.test(line));
      expect({ sql, lines }).toEqual({ sql, lines: lines.map(() => expect.stringMatching(/USING (COVERING )?INDEX checkpoints_run_status_idx \(run_id=\?/)) });
    }
  });

  test("expiring one checkpoint looks it up by its id", () => {
    const one = prepared.filter((sql) => /"checkpoints"\."id" = \? AND "checkpoints"\."status" = 'pending'/.test(sql));
    // Prepared on the writer and on the reader connection.
    expect(one.length).toBeGreaterThanOrEqual(1);
    for (const sql of one) expect(plan(sql).filter((line) => /SEARCH checkpoints/.test(line)).every((line) => /\(id=\?\)/.test(line))).toBe(true);
  });

  test("a plugin key is found by its hash through the unique index", () => {
    const auth = prepared.filter((sql) => /from "plugin_keys" inner join "users"/.test(sql) && /"plugin_keys"\."hash" = \?/.test(sql));
    expect(auth.length).toBeGreaterThanOrEqual(1);
    expect(plan(auth[0]!)).toContain("SEARCH plugin_keys USING INDEX plugin_keys_hash_unique (hash=?)");
  });
});
