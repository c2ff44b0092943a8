// The write-ahead log is copied back into the database file by the checkpoint worker (its own
// thread and connection), not inside a COMMIT on the event loop; a worker that cannot run hands
// the job back to SQLite's automatic checkpoint.
import { afterEach, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { COMMITS_BEFORE_WORKER, startCheckpointer } from "../../src/db/checkpointer.ts";
import { openStore } from "../../src/db/store.ts";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
const freshDir = () => {
  const dir = mkdtempSync(join(tmpdir(), "railyard-checkpoint-"));
  dirs.push(dir);
  return dir;
};
const size = (file: string) => statSync(file, { throwIfNoEntry: false })?.size ?? 0;

/** Commits `n` writes one at a time, each a setting with a value of about 2 KB (a page or more). */
async function writeSettings(store: ReturnType<typeof openStore>["store"], n: number, from = 0): Promise<void> {
  for (let i = from; i < from + n; i++) {
    await store.write((tx) => tx.settings.put({ key: `bulk.${i}`, value: "x".repeat(2048), updatedAt: i, updatedBy: null }));
  }
}

describe("the SQLite checkpoint worker", () => {
  test("under sustained writes the log is copied back by the worker while the store runs: the database file grows before close", async () => {
    const dir = freshDir();
    const { store, checkpointsCompleted } = openStore(dir);
    const db = join(dir, "railyard.sqlite");
    const before = size(db);
    // Past the commits that start the worker, then enough for a checkpoint or two.
    await writeSettings(store, COMMITS_BEFORE_WORKER + 400);
    const deadline = Date.now() + 10_000;
    while (size(db) < before + 400 * 2048 && Date.now() < deadline) await Bun.sleep(50);
    // The writer's own automatic checkpoint is off: only the worker can have grown the file.
    expect(size(db)).toBeGreaterThanOrEqual(before + 400 * 2048);
    expect(checkpointsCompleted()).toBeGreaterThan(0);
    await store.close();
    // A clean close leaves no log behind, and every write is in the file.
    expect(size(join(dir, "railyard.sqlite-wal"))).toBe(0);
    const again = openStore(dir).store;
    expect((await again.read.settings.all()).filter((s) => s.key.startsWith("bulk.")).length).toBe(COMMITS_BEFORE_WORKER + 400);
    await again.close();
  }, 30_000);

  test("a quiet store never starts the worker: a few writes stay in the log until close, and close copies them back", async () => {
    const dir = freshDir();
    const { store, checkpointsCompleted } = openStore(dir);
    const db = join(dir, "railyard.sqlite");
    const before = size(db);
    await writeSettings(store, 10);
    await Bun.sleep(400);
    expect(size(db)).toBe(before);
    expect(checkpointsCompleted()).toBe(0);
    expect(size(join(dir, "railyard.sqlite-wal"))).toBeGreaterThan(0);
    await store.close();
    expect(size(db)).toBeGreaterThan(before);
    expect(size(join(dir, "railyard.sqlite-wal"))).toBe(0);
  });

  test("a worker that cannot checkpoint (no database there) hands the job back once, with the reason, and closes cleanly", async () => {
    const reasons: string[] = [];
    const checkpointer = startCheckpointer(join(freshDir(), "missing", "railyard.sqlite"), (why) => reasons.push(why));
    for (let i = 0; i < COMMITS_BEFORE_WORKER + 5; i++) checkpointer.written();
    const deadline = Date.now() + 10_000;
    while (reasons.length === 0 && Date.now() < deadline) await Bun.sleep(20);
    expect(reasons.length).toBe(1);
    expect(reasons[0]).toMatch(/unable to open|no such file|SQLITE_CANTOPEN/i);
    for (let i = 0; i < 5; i++) checkpointer.written();
    await Bun.sleep(300);
    expect(reasons.length).toBe(1);
    expect(checkpointer.completed).toBe(0);
    await checkpointer.close();
  });
});
