import { afterEach, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ANCHOR_FILE, openStore } from "../../../src/db/store.ts";
import { readAuditAnchor } from "../../../src/core/audit/anchor.ts";
import { verifyAudit } from "../../../src/core/audit/verify-audit.ts";
import { transact } from "../../../src/core/transact.ts";
import { createTestApp, type TestApp } from "../../support/app.ts";
import { countEvents, dropAuditTriggers, rawDatabase } from "../../support/audit.ts";

let app: TestApp;
afterEach(() => app?.dispose());

async function seedEvents(a: TestApp, n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    await transact(a.ctx(), (_tx, record) => record({ type: "system.started", subject: `boot-${i}`, meta: { n: i } }));
  }
}

function verify(a: TestApp) {
  return verifyAudit(a.store.read, a.services.auditKey, { anchor: readAuditAnchor(a.store.anchor, a.services.auditKey) });
}

function tamper(a: TestApp, fn: (db: ReturnType<typeof rawDatabase>) => void): void {
  const db = rawDatabase(a);
  dropAuditTriggers(db);
  fn(db);
  db.close();
}

describe("verifyAudit", () => {
  test("an untouched chain is intact, with its count, last seq and the head anchor checked", async () => {
    app = await createTestApp();
    const before = countEvents(app); // start-up events (the default runbook)
    await seedEvents(app, 12);
    const result = await verify(app);
    expect(result).toEqual({ intact: true, count: before + 12, firstSeq: 1, lastSeq: before + 12, anchor: "checked" });
  });

  test("an empty trail is intact", async () => {
    app = await createTestApp();
    const dir = mkdtempSync(join(tmpdir(), "railyard-empty-"));
    const { store } = openStore(dir);
    try {
      expect(await verifyAudit(store.read, app.services.auditKey)).toEqual({ intact: true, count: 0, firstSeq: 0, lastSeq: 0, anchor: "absent" });
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("verification reads in batches: a chain longer than one batch verifies", async () => {
    app = await createTestApp();
    // 2,500 events across batch boundaries (the batch is 1,000).
    await transact(app.ctx(), async (_tx, record) => {
      for (let i = 0; i < 2500; i++) await record({ type: "scope.served", subject: `s${i}` });
    });
    const result = await verify(app);
    expect(result.intact && result.count).toBe(countEvents(app));
    expect(countEvents(app)).toBeGreaterThan(2500);
  });

  test("a wrong audit key breaks the chain at its first event", async () => {
    app = await createTestApp();
    await seedEvents(app, 3);
    expect(await verifyAudit(app.store.read, new Uint8Array(32))).toMatchObject({ intact: false, brokenAt: 1 });
  });

  const tamperings: [string, (db: ReturnType<typeof rawDatabase>) => void, number][] = [
    ["an edited field", (db) => db.run("UPDATE audit_events SET subject = 'someone-else' WHERE seq = 4"), 4],
    ["edited metadata", (db) => db.run(`UPDATE audit_events SET meta = '{"n":99}' WHERE seq = 5`), 5],
    ["an edited time", (db) => db.run("UPDATE audit_events SET at = at - 1000 WHERE seq = 6"), 6],
    ["a deleted row in the middle", (db) => db.run("DELETE FROM audit_events WHERE seq = 4"), 4],
    ["the first rows deleted", (db) => db.run("DELETE FROM audit_events WHERE seq <= 2"), 3],
    [
      "two rows' contents swapped",
      (db) => {
        const cols = "at, type, actor_kind, actor_id, actor_user_id, run_id, project_id, subject, meta, prev_hash, hash";
        const a = db.query(`SELECT ${cols} FROM audit_events WHERE seq = 3`).get() as Record<string, unknown>;
        const b = db.query(`SELECT ${cols} FROM audit_events WHERE seq = 7`).get() as Record<string, unknown>;
        const set = cols.split(", ").map((c) => `${c} = ?`).join(", ");
        db.run(`UPDATE audit_events SET ${set} WHERE seq = 3`, Object.values(b) as never[]);
        db.run(`UPDATE audit_events SET ${set} WHERE seq = 7`, Object.values(a) as never[]);
      },
      3,
    ],
    [
      "a row inserted in the middle (later rows renumbered)",
      (db) => {
        db.run("UPDATE audit_events SET seq = seq + 100 WHERE seq >= 5");
        db.run("UPDATE audit_events SET seq = seq - 99 WHERE seq >= 105");
        db.run("INSERT INTO audit_events SELECT 5, at, type, actor_kind, actor_id, actor_user_id, run_id, project_id, 'forged', meta, prev_hash, hash, trace_parent FROM audit_events WHERE seq = 4");
      },
      5,
    ],
    ["a forged row appended", (db) => db.run("INSERT INTO audit_events SELECT seq + 1, at, type, actor_kind, actor_id, actor_user_id, run_id, project_id, subject, meta, hash, hash, trace_parent FROM audit_events ORDER BY seq DESC LIMIT 1"), -1],
    ["the tail truncated", (db) => db.run("DELETE FROM audit_events WHERE seq > 7"), 8],
    ["the whole trail deleted", (db) => db.run("DELETE FROM audit_events"), 1],
  ];

  for (const [what, how, brokenAt] of tamperings) {
    test(`detects ${what} made directly in the database file (broken at seq ${brokenAt === -1 ? "head + 1" : brokenAt})`, async () => {
      app = await createTestApp();
      await seedEvents(app, 10);
      const head = countEvents(app);
      expect((await verify(app)).intact).toBe(true);
      tamper(app, how);
      const result = await verify(app);
      expect(result).toMatchObject({ intact: false, brokenAt: brokenAt === -1 ? head + 1 : brokenAt });
      expect((result as { reason: string }).reason.length).toBeGreaterThan(10);
    });
  }

  test("a truncated tail with a forged head anchor is reported (the anchor is MACed)", async () => {
    app = await createTestApp();
    await seedEvents(app, 5);
    tamper(app, (db) => db.run("DELETE FROM audit_events WHERE seq > 3"));
    writeFileSync(join(app.dataDir, ANCHOR_FILE), JSON.stringify({ seq: 3, hash: "0".repeat(64), mac: "0".repeat(64) }));
    expect(await verify(app)).toMatchObject({ intact: false, reason: expect.stringContaining("audit.head") });
  });

  test("a truncation stays detected after the server appends again: the anchor freezes", async () => {
    app = await createTestApp();
    await seedEvents(app, 6);
    const anchored = countEvents(app);
    tamper(app, (db) => db.run("DELETE FROM audit_events WHERE seq > 3"));
    await seedEvents(app, 8); // seqs re-used: the event at the anchored seq is not the anchored one
    expect(await verify(app)).toMatchObject({ intact: false, brokenAt: anchored });
  });

  test("without the anchor file the chain itself still verifies (anchor reported absent)", async () => {
    app = await createTestApp();
    await seedEvents(app, 4);
    unlinkSync(join(app.dataDir, ANCHOR_FILE));
    expect(await verify(app)).toMatchObject({ intact: true, count: countEvents(app), anchor: "absent" });
  });
});

describe("append-only in the database itself", () => {
  test("UPDATE on audit_events is refused by a trigger", async () => {
    app = await createTestApp();
    await seedEvents(app, 2);
    const db = rawDatabase(app);
    expect(() => db.run("UPDATE audit_events SET subject = 'x' WHERE seq = 1")).toThrow("append-only");
    db.close();
    expect((await verify(app)).intact).toBe(true);
  });

  test("DELETE on audit_events is refused while the purge window is closed", async () => {
    app = await createTestApp();
    await seedEvents(app, 2);
    const db = rawDatabase(app);
    expect(() => db.run("DELETE FROM audit_events WHERE seq = 1")).toThrow("append-only");
    expect(() => db.run("DELETE FROM audit_purge_window")).toThrow("cannot be deleted");
    db.close();
    expect(await verify(app)).toMatchObject({ intact: true, count: countEvents(app) });
  });
});
