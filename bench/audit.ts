// Audit write throughput: events/s through the real write path (transact + appendEvent: chain-head
// lookup, metadata guard, HMAC, insert, then the head-anchor file) next to raw prepared bun:sqlite
// inserts into an identical table with the same pragmas (WAL, synchronous=FULL), in the same run.
// Two workloads: one event per transaction (every commit is an fsync), and 2,000 events in one
// transaction (CPU cost only). Run: bun bench/audit.ts
import { Database } from "bun:sqlite";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createServices } from "../src/app.ts";
import { extractFlags, loadConfig } from "../src/config.ts";
import { SYSTEM, withActor, type Ctx } from "../src/core/context.ts";
import { transact } from "../src/core/transact.ts";
import { createLogger } from "../src/logger.ts";

const PER_COMMIT = Number(process.env.BENCH_PER_COMMIT ?? 1000);
const BATCH = Number(process.env.BENCH_BATCH ?? 2000);
const ROUNDS = 3;

async function railyard(anchor: boolean): Promise<{ ctx: Ctx; done: () => Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), "railyard-bench-"));
  const config = loadConfig(extractFlags(["--data-dir", dir]).flags, {}, dir);
  const { services } = await createServices({ config, logger: createLogger("silent") });
  // Without the anchor: the same services with a bus that has no listener.
  const ctx = withActor(anchor ? services : { ...services, bus: { publish: () => {}, subscribe: () => () => {} } }, SYSTEM);
  return { ctx, done: async () => { await services.store.close(); rmSync(dir, { recursive: true, force: true }); } };
}

function raw(): { insert: (i: number) => void; batch: (n: number, start: number) => void; done: () => void } {
  const dir = mkdtempSync(join(tmpdir(), "railyard-bench-raw-"));
  const db = new Database(join(dir, "raw.sqlite"), { create: true, readwrite: true, strict: true });
  db.run("PRAGMA journal_mode = WAL");
  db.run("PRAGMA synchronous = FULL");
  db.run(`CREATE TABLE audit_events (seq INTEGER PRIMARY KEY, at INTEGER NOT NULL, type TEXT NOT NULL, actor_kind TEXT NOT NULL, actor_id TEXT,
    actor_user_id TEXT, run_id TEXT, project_id TEXT, subject TEXT, meta TEXT NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL)`);
  db.run("CREATE INDEX a1 ON audit_events (type, seq)");
  db.run("CREATE INDEX a2 ON audit_events (run_id, seq)");
  db.run("CREATE INDEX a3 ON audit_events (actor_id, seq)");
  db.run("CREATE INDEX a4 ON audit_events (at)");
  const stmt = db.prepare("INSERT INTO audit_events VALUES (?, ?, ?, 'system', NULL, NULL, NULL, NULL, ?, ?, ?, ?)");
  const hash = "f".repeat(64);
  const one = (i: number) => stmt.run(i, Date.now(), "scope.served", `s${i}`, `{"n":${i}}`, hash, hash);
  const immediate = (fn: () => void) => db.transaction(fn).immediate();
  return {
    insert: (i) => immediate(() => one(i)),
    batch: (n, start) => immediate(() => { for (let i = 0; i < n; i++) one(start + i); }),
    done: () => { db.close(); rmSync(dir, { recursive: true, force: true }); },
  };
}

async function rate(n: number, fn: () => unknown): Promise<number> {
  const t0 = performance.now();
  await fn();
  return n / ((performance.now() - t0) / 1000);
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const fmt = (x: number) => Math.round(x).toLocaleString("en-US").padStart(9);

type Figure = "rawCommit" | "realCommit" | "realCommitNoAnchor" | "rawBatch" | "realBatch" | "realBatchNoAnchor";
const results: Record<Figure, number[]> = { rawCommit: [], realCommit: [], realCommitNoAnchor: [], rawBatch: [], realBatch: [], realBatchNoAnchor: [] };
for (let round = 0; round < ROUNDS; round++) {
  const r = raw();
  let seq = 0;
  results.rawCommit.push(await rate(PER_COMMIT, () => { for (let i = 0; i < PER_COMMIT; i++) r.insert(++seq); }));
  results.rawBatch.push(await rate(BATCH, () => { r.batch(BATCH, seq + 1); seq += BATCH; }));
  r.done();
  for (const anchor of [true, false]) {
    const { ctx, done } = await railyard(anchor);
    // One awaited transaction after another: each its own commit, as with one writer at a time.
    const commit = await rate(PER_COMMIT, async () => {
      for (let i = 0; i < PER_COMMIT; i++) await transact(ctx, (_tx, record) => record({ type: "scope.served", subject: `s${i}`, meta: { n: i } }));
    });
    const batch = await rate(BATCH, () => transact(ctx, async (_tx, record) => {
      for (let i = 0; i < BATCH; i++) await record({ type: "scope.served", subject: `s${i}`, meta: { n: i } });
    }));
    results[anchor ? "realCommit" : "realCommitNoAnchor"].push(commit);
    results[anchor ? "realBatch" : "realBatchNoAnchor"].push(batch);
    await done();
  }
}

const m = Object.fromEntries(Object.entries(results).map(([k, v]) => [k, median(v)])) as Record<Figure, number>;
console.log(`audit append throughput, median of ${ROUNDS} rounds (events/s; ratio = railyard / raw, higher is better)`);
console.log(`one event per transaction (${PER_COMMIT} commits, each fsynced):`);
console.log(`  raw prepared bun:sqlite insert      ${fmt(m.rawCommit)}`);
console.log(`  transact + appendEvent + anchor     ${fmt(m.realCommit)}   ratio ${(m.realCommit / m.rawCommit).toFixed(2)}`);
console.log(`  transact + appendEvent (no anchor)  ${fmt(m.realCommitNoAnchor)}   ratio ${(m.realCommitNoAnchor / m.rawCommit).toFixed(2)}`);
console.log(`${BATCH} events in one transaction (CPU cost per event):`);
console.log(`  raw prepared bun:sqlite insert      ${fmt(m.rawBatch)}`);
console.log(`  transact + appendEvent + anchor     ${fmt(m.realBatch)}   ratio ${(m.realBatch / m.rawBatch).toFixed(2)}`);
console.log(`  transact + appendEvent (no anchor)  ${fmt(m.realBatchNoAnchor)}   ratio ${(m.realBatchNoAnchor / m.rawBatch).toFixed(2)}`);
