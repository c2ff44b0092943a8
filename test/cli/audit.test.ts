import { afterEach, describe, expect, test } from "bun:test";
import { rmSync } from "node:fs";
import { auditCommand } from "../../src/cli/audit.ts";
import { transact } from "../../src/core/transact.ts";
import { createTestApp, type TestApp } from "../support/app.ts";
import { countEvents, dropAuditTriggers, rawDatabase } from "../support/audit.ts";
import { captureIo } from "../support/capture-io.ts";

let app: TestApp;
afterEach(() => rmSync(app.dataDir, { recursive: true, force: true }));

/** A data dir holding `n` events, with the app closed so the command opens it like a separate process. */
async function dataDirWith(n: number): Promise<TestApp> {
  const a = await createTestApp();
  for (let i = 0; i < n; i++) await transact(a.ctx(), (_tx, record) => record({ type: "scope.served", subject: `s${i}`, meta: { i } }));
  await a.close();
  return a;
}

describe("railyard audit verify", () => {
  test("exits 0 and names the count and range when the chain is intact", async () => {
    app = await dataDirWith(4);
    const n = countEvents(app.dataDir);
    const io = captureIo(app.dataDir);
    expect(await auditCommand(["verify", "--data-dir", app.dataDir], io)).toBe(0);
    expect(io.out()).toContain(`audit trail intact: ${n} events, seq 1 to ${n}; head anchor checked`);
  });

  test("exits 1 naming the first broken event after the file was edited", async () => {
    app = await dataDirWith(5);
    const db = rawDatabase(app);
    dropAuditTriggers(db);
    db.run("UPDATE audit_events SET meta = '{\"i\":42}' WHERE seq = 3");
    db.close();
    const io = captureIo(app.dataDir);
    expect(await auditCommand(["verify", "--data-dir", app.dataDir], io)).toBe(1);
    expect(io.out()).toContain("BROKEN at seq 3");
  });

  test("exits 1 when the tail was cut off (the head anchor outside the database remembers it)", async () => {
    app = await dataDirWith(5);
    const db = rawDatabase(app);
    dropAuditTriggers(db);
    db.run("DELETE FROM audit_events WHERE seq >= 4");
    db.close();
    const io = captureIo(app.dataDir);
    expect(await auditCommand(["verify", "--data-dir", app.dataDir], io)).toBe(1);
    expect(io.out()).toContain("BROKEN at seq 4");
    expect(io.out()).toContain("truncated");
  });

  test("usage errors exit 2 with a message", async () => {
    app = await dataDirWith(0);
    const io = captureIo(app.dataDir);
    expect(await auditCommand(["frobnicate"], io)).toBe(2);
    expect(io.err()).toContain("unknown subcommand");
    expect(await auditCommand(["verify", "--bogus", "--data-dir", app.dataDir], io)).toBe(2);
    expect(io.err()).toContain("--bogus");
  });
});

describe("railyard audit export", () => {
  test("writes JSON lines oldest first to stdout and records audit.exported", async () => {
    app = await dataDirWith(3);
    const io = captureIo(app.dataDir);
    expect(await auditCommand(["export", "--data-dir", app.dataDir], io)).toBe(0);
    const lines = io.out().trim().split("\n").map((l) => JSON.parse(l) as { type: string; actor: unknown });
    expect(lines.map((l) => l.type).slice(-4)).toEqual(["scope.served", "scope.served", "scope.served", "audit.exported"]);
    expect(lines.at(-1)?.actor).toEqual({ kind: "system", id: null, userId: null });
  });

  test("--format csv --since filters by time; a bad --since exits 2 naming the field", async () => {
    app = await dataDirWith(2);
    const io = captureIo(app.dataDir);
    expect(await auditCommand(["export", "--format", "csv", "--since", "2999-01-01", "--data-dir", app.dataDir], io)).toBe(0);
    expect(io.out().trim().split("\r\n")).toHaveLength(1);
    const bad = captureIo(app.dataDir);
    expect(await auditCommand(["export", "--since", "yesterday", "--data-dir", app.dataDir], bad)).toBe(2);
    expect(bad.err()).toContain("since");
  });
});
