// `railyard migrate-to-postgres`: an SQLite install copied into an empty PostgreSQL database,
// verified on arrival; the same data dir then serves from PostgreSQL with nothing lost.
import { describe, expect, test } from "bun:test";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { migrateToPostgresCommand } from "../../src/cli/migrate-to-postgres.ts";
import { createTestApp } from "../support/app.ts";
import { createTestDatabase, dropTestDatabase, onPostgres, psql } from "../support/backend.ts";
import { captureIo } from "../support/capture-io.ts";
import { callTool } from "../support/mcp-call.ts";
import { seedAgent } from "../support/mcp.ts";
import { seedCanaryProject } from "../support/projects.ts";

/** An SQLite install with runs, claims, checkpoints and their audit trail, closed as a stopped server. */
async function usedSqliteInstall() {
  const app = await createTestApp({ "key-rate-limit": "1000000" }, { sqlite: true });
  await seedCanaryProject(app);
  const dev = await seedAgent(app, "developer");
  const runIds: string[] = [];
  for (let i = 0; i < 5; i++) {
    const started = await callTool(app, dev.key, "start_run", { project: "shop", title: `before the move ${i}` });
    const runId = started.structured.run_id as string;
    runIds.push(runId);
    await callTool(app, dev.key, "plan_work", { run_id: runId, units: [{ title: "unit", paths: [`src/api/file-${i}.ts`] }] });
  }
  await app.close();
  return { app, dev, runIds };
}

const io = (dir: string) => ({ ...captureIo(dir), env: {} });

describe.skipIf(!onPostgres)("railyard migrate-to-postgres (needs a PostgreSQL server: npm run test:postgres)", () => {
  test("copies everything, the audit trail included, verifies it there, and the data dir then serves from PostgreSQL", async () => {
    const { app, dev, runIds } = await usedSqliteInstall();
    const url = await createTestDatabase();
    try {
      const run = io(app.dataDir);
      expect(await migrateToPostgresCommand(["--data-dir", app.dataDir, "--database-url", url], run)).toBe(0);
      expect(run.out()).toMatch(/copied \d+ rows of \d+ tables/);
      expect(run.out()).toMatch(/audit trail verified there: \d+ events, seq 1 to \d+/);
      expect(run.out() + run.err()).not.toContain(url);

      const sqliteEvents = Number((await import("../support/audit.ts")).countEvents(app.dataDir));
      expect(Number(psql(url, "SELECT count(*) AS n FROM audit_events")[0]!.n)).toBe(sqliteEvents);
      expect(psql(url, "SELECT id FROM runs ORDER BY id").map((r) => r.id).sort()).toEqual([...runIds].sort());
      expect(Number(psql(url, "SELECT count(*) AS n FROM run_claims")[0]!.n)).toBe(5);

      // The same data dir (its keys and head anchor) now serves from PostgreSQL: the trail verifies,
      // the old key still works, and new rows (a claim, with its sequence moved on) are written.
      const moved = await createTestApp({ "data-dir": app.dataDir, "database-url": url, "key-rate-limit": "1000000" });
      try {
        const verify = await moved.request("/api/health");
        expect(verify.status).toBeLessThan(500);
        const started = await callTool(moved, dev.key, "start_run", { project: "shop", title: "after the move" });
        expect(started.isError).toBe(false);
        const planned = await callTool(moved, dev.key, "plan_work", { run_id: started.structured.run_id, units: [{ title: "u", paths: ["src/api/new.ts"] }] });
        expect(planned.isError).toBe(false);
        expect(Number(psql(url, "SELECT count(*) AS n FROM run_claims")[0]!.n)).toBe(6);
      } finally {
        await moved.close();
      }
      // Run twice, the second copy is refused: the database holds rows now.
      const again = io(app.dataDir);
      await expect(migrateToPostgresCommand(["--data-dir", app.dataDir, "--database-url", url], again)).rejects.toThrow("is not empty");
    } finally {
      rmSync(app.dataDir, { recursive: true, force: true });
      await dropTestDatabase(url);
    }
  }, 60_000);

  test("refuses a database that holds rows, and changes nothing there", async () => {
    const { app } = await usedSqliteInstall();
    const url = await createTestDatabase();
    const other = await createTestApp({ "database-url": url });
    await other.close();
    const before = psql(url, "SELECT count(*) AS n FROM audit_events")[0]!.n;
    const run = io(app.dataDir);
    await expect(migrateToPostgresCommand(["--data-dir", app.dataDir, "--database-url", url], run)).rejects.toThrow("is not empty");
    expect(psql(url, "SELECT count(*) AS n FROM audit_events")[0]!.n).toBe(before);
    rmSync(app.dataDir, { recursive: true, force: true });
    rmSync(other.dataDir, { recursive: true, force: true });
    await dropTestDatabase(url);
  }, 60_000);

  test("a trail that does not verify is not copied: nothing is committed", async () => {
    const { app } = await usedSqliteInstall();
    const url = await createTestDatabase();
    const { rawDatabase, dropAuditTriggers } = await import("../support/audit.ts");
    const db = rawDatabase(app.dataDir);
    dropAuditTriggers(db);
    db.run("UPDATE audit_events SET meta = '{\"edited\":true}' WHERE seq = 3");
    db.close();
    const run = io(app.dataDir);
    await expect(migrateToPostgresCommand(["--data-dir", app.dataDir, "--database-url", url], run)).rejects.toThrow("does not verify");
    expect(psql(url, "SELECT count(*) AS n FROM runs")[0]!.n).toBe(0);
    expect(psql(url, "SELECT count(*) AS n FROM audit_events")[0]!.n).toBe(0);
    rmSync(app.dataDir, { recursive: true, force: true });
    await dropTestDatabase(url);
  }, 60_000);
});

test("without --database-url it is a usage error naming the option, and nothing is touched", async () => {
  const run = io("/tmp");
  expect(await migrateToPostgresCommand(["--data-dir", join("/tmp", "no-such-railyard-dir")], run)).toBe(2);
  expect(run.err()).toContain("--database-url is required");
});
