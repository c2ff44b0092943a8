// The SQLite store's write path: serialised writes, group commit, answers only after COMMIT.
import { Database } from "bun:sqlite";
import { afterEach, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Store } from "../../src/core/store.ts";
import { openStore, type StoreOptions } from "../../src/db/store.ts";

const dirs: string[] = [];
const stores: Store[] = [];
function groupStore(options: StoreOptions = {}): { store: Store; file: string } {
  const dir = mkdtempSync(join(tmpdir(), "railyard-gc-"));
  dirs.push(dir);
  const { store } = openStore(dir, options);
  stores.push(store);
  return { store, file: join(dir, "railyard.sqlite") };
}
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const setting = (key: string) => ({ key, value: 1, updatedAt: 1, updatedBy: null });
/** What another process would see: committed rows only. */
const committedKeys = (file: string) => {
  const db = new Database(file, { readonly: true });
  try {
    return db.query<{ key: string }, []>("SELECT key FROM settings ORDER BY key").all().map((r) => r.key);
  } finally {
    db.close();
  }
};

describe("group commit (the embedded SQLite store; on PostgreSQL each write commits on its own)", () => {
  test("concurrent writes share one commit, and none resolves before it is durable", async () => {
    let commits = 0;
    const seenAtCommit: string[][] = [];
    const { store, file } = groupStore({ beforeCommit: () => { commits++; seenAtCommit.push(committedKeys(file)); } });
    const settled: string[] = [];
    const a = store.write((tx) => tx.settings.put(setting("a"))).then(() => settled.push("a"));
    const b = store.write((tx) => tx.settings.put(setting("b"))).then(() => settled.push("b"));
    await Promise.all([a, b]);
    expect(commits).toBe(1);
    // Just before COMMIT nothing was visible to another connection, and nobody had been answered.
    expect(seenAtCommit).toEqual([[]]);
    expect(settled).toEqual(["a", "b"]);
    expect(committedKeys(file)).toEqual(["a", "b"]);
  });

  test("a write that throws rolls back only its own changes; the rest of the batch commits", async () => {
    const { store, file } = groupStore();
    const a = store.write((tx) => tx.settings.put(setting("a")));
    const b = store.write(async (tx) => {
      await tx.settings.put(setting("b"));
      throw new Error("refused");
    });
    const c = store.write((tx) => tx.settings.put(setting("c")));
    await a;
    await expect(b).rejects.toThrow("refused");
    await c;
    expect(committedKeys(file)).toEqual(["a", "c"]);
  });

  test("writes never interleave, even when one awaits the next turn of the event loop", async () => {
    const { store } = groupStore();
    const order: string[] = [];
    const slow = store.write(async (tx) => {
      order.push("slow:start");
      await Bun.sleep(20);
      await tx.settings.put(setting("slow"));
      order.push("slow:end");
    });
    const fast = store.write(async (tx) => {
      order.push("fast:start");
      await tx.settings.put(setting("fast"));
      order.push("fast:end");
    });
    await Promise.all([slow, fast]);
    expect(order).toEqual(["slow:start", "slow:end", "fast:start", "fast:end"]);
  });

  test("reads see committed data only, and a resolved write is visible to them at once", async () => {
    const { store } = groupStore({ beforeCommit: () => Bun.sleep(20) });
    const seenDuring: number[] = [];
    const write = store.write((tx) => tx.settings.put(setting("r")));
    // The write is running or waiting for its commit: a read must not see it yet.
    seenDuring.push((await store.read.settings.all()).length);
    await write;
    expect(seenDuring).toEqual([0]);
    expect((await store.read.settings.all()).map((r) => r.key)).toEqual(["r"]);
  });

  test("a failed commit rejects every write that shared it and keeps none of them", async () => {
    const { store, file } = groupStore({ beforeCommit: () => { throw new Error("disk full"); } });
    const a = store.write((tx) => tx.settings.put(setting("a")));
    const b = store.write((tx) => tx.settings.put(setting("b")));
    const results = await Promise.allSettled([a, b]);
    expect(results.map((r) => (r.status === "rejected" ? (r.reason as Error).message : "resolved"))).toEqual(["disk full", "disk full"]);
    expect(committedKeys(file)).toEqual([]);
  });

  test("the store keeps working after a failed commit", async () => {
    let fail = true;
    const { store, file } = groupStore({ beforeCommit: () => { if (fail) { fail = false; throw new Error("once"); } } });
    await expect(store.write((tx) => tx.settings.put(setting("lost")))).rejects.toThrow("once");
    await store.write((tx) => tx.settings.put(setting("kept")));
    expect(committedKeys(file)).toEqual(["kept"]);
  });

  test("close() waits for pending writes to commit", async () => {
    const { store, file } = groupStore({ beforeCommit: () => Bun.sleep(10) });
    const pending = store.write((tx) => tx.settings.put(setting("z")));
    await store.close();
    stores.splice(stores.indexOf(store), 1);
    await pending;
    expect(committedKeys(file)).toEqual(["z"]);
  });

  test("a write after close() is refused", async () => {
    const { store } = groupStore();
    await store.close();
    stores.splice(stores.indexOf(store), 1);
    await expect(store.write((tx) => tx.settings.put(setting("late")))).rejects.toThrow("closed");
  });

  test("statements are compiled once: repeated reads and writes compile nothing new", async () => {
    const { store } = groupStore();
    await store.write((tx) => tx.settings.put(setting("warm")));
    await store.read.settings.all();
    const before = store.statementsPrepared();
    for (let i = 0; i < 20; i++) {
      await store.write((tx) => tx.settings.put(setting(`k${i}`)));
      await store.read.settings.all();
    }
    expect(store.statementsPrepared()).toBe(before);
  });

  test("a write resolves only once the log sync covering its COMMIT has completed", async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const { store, file } = groupStore({ beforeSync: () => held });
    let resolved = false;
    const write = store.write((tx) => tx.settings.put(setting("s"))).then(() => (resolved = true));
    await Bun.sleep(30);
    // Committed (another connection sees it) but not yet synced: nobody is answered.
    expect(committedKeys(file)).toEqual(["s"]);
    expect(resolved).toBe(false);
    release();
    await write;
    expect(resolved).toBe(true);
  });

  test("a read that could see a committed but not yet synced write answers only after the sync", async () => {
    let release!: () => void;
    let hold = false;
    const { store } = groupStore({ beforeSync: () => (hold ? new Promise<void>((resolve) => (release = resolve)) : undefined) });
    hold = true;
    void store.write((tx) => tx.settings.put(setting("fresh")));
    await Bun.sleep(30);
    let answered = false;
    const read = store.read.settings.all().then((rows) => {
      answered = true;
      return rows.map((r) => r.key);
    });
    await Bun.sleep(30);
    expect(answered).toBe(false);
    release();
    expect(await read).toEqual(["fresh"]);
  });

  test("while many writes arrive, syncs cover several commits each and the next batch does not wait for the sync", async () => {
    let syncs = 0;
    const { store, file } = groupStore({ beforeSync: async () => { syncs++; await Bun.sleep(20); } });
    const waves = Array.from({ length: 5 }, (_, wave) => Bun.sleep(wave * 5).then(() =>
      Promise.all(Array.from({ length: 10 }, (_, i) => store.write((tx) => tx.settings.put(setting(`w${wave}-${i}`)))))));
    await Promise.all(waves);
    expect(committedKeys(file)).toHaveLength(50);
    // Five waves within one 20 ms sync: far fewer syncs than waves of writes.
    expect(syncs).toBeLessThan(5);
  });

  test("a failed log sync rejects the writes it covered and every later write (the node must restart)", async () => {
    const { store } = groupStore({ beforeSync: () => { throw new Error("EIO"); } });
    await expect(store.write((tx) => tx.settings.put(setting("a")))).rejects.toThrow("EIO");
    await expect(store.write((tx) => tx.settings.put(setting("b")))).rejects.toThrow("EIO");
  });
});
