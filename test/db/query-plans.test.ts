// The statements agents hit on nearly every call look rows up by index, whatever else the
// database holds: SQLite's own query plans of the store's prepared statements (the text the store
// really prepares, captured as it prepares it), not of copies of them.
import { Database } from "bun:sqlite";
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openStore, type Store } from "../../src/db/store.ts";

describe("query plans of the prepared statements", () => {
  const dir = mkdtempSync(join(tmpdir(), "railyard-plans-"));
  const prepared: string[] = [];
  let store: Store;
  let db: Database;

  beforeAll(() => {
    const proto = Database.prototype as unknown as { prepare: (sql: string, ...rest: unknown[]) => unknown };
    const original = proto.prepare;
    proto.prepare = function (this: Database, sql: string, ...rest: unknown[]) {
      prepared.push(sql);
      return original.call(this, sql, ...rest);
    };
    try {
      store = openStore(dir).store;
    } finally {
      proto.prepare = original;
    }
    db = new Database(join(dir, "railyard.sqlite"), { readonly: true });
  });

  afterAll(async () => {
    db?.close();
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const plan = (sql: string) => (db.query(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[]).map((r) => r.detail);

  test("every statement that selects a run's checkpoints searches the run's index, never every pending checkpoint", () => {
    const ofRun = prepared.filter((sql) => /"checkpoints"\."run_id" = \?/.test(sql));
    // pendingOfRun, hasPending, approvedGateSince, ofRun, expiring one run's, finishing a run's, …
    expect(ofRun.length).toBeGreaterThanOrEqual(5);
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
