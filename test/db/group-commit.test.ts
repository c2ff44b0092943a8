import { Database } from "bun:sqlite";
import { sql } from "drizzle-orm";
import { afterEach, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { users } from "../../src/db/schema/index.ts";
import { openStore, type Store } from "../../src/db/store.ts";
import { createHttpApp } from "../../src/http/app.ts";
import { createTestApp } from "../support/app.ts";

const dirs: string[] = [];
const stores: Store[] = [];
function groupStore(): { store: Store; file: string } {
  const dir = mkdtempSync(join(tmpdir(), "railyard-gc-"));
  dirs.push(dir);
  const { store } = openStore(dir, { groupCommit: true });
  stores.push(store);
  return { store, file: join(dir, "railyard.sqlite") };
}
afterEach(() => {
  for (const s of stores.splice(0)) s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const row = (id: string) => ({ id, email: `${id}@example.test`, name: id, passwordHash: "x", role: "developer" as const, createdAt: 1, updatedAt: 1 });
const committedIds = (file: string) => {
  const db = new Database(file, { readonly: true });
  try {
    return db.query<{ id: string }, []>("SELECT id FROM users ORDER BY id").all().map((r) => r.id);
  } finally {
    db.close();
  }
};

describe("group commit", () => {
  test("writes in one turn of the event loop become durable together, after durable() resolves", async () => {
    const { store, file } = groupStore();
    store.write((tx) => tx.insert(users).values(row("usr_1")).run());
    store.write((tx) => tx.insert(users).values(row("usr_2")).run());
    // Not yet visible to another connection: the batch has not committed.
    expect(committedIds(file)).toEqual([]);
    await store.durable();
    expect(committedIds(file)).toEqual(["usr_1", "usr_2"]);
  });

  test("a write that throws rolls back only its own changes; the batch still commits", async () => {
    const { store, file } = groupStore();
    store.write((tx) => tx.insert(users).values(row("usr_a")).run());
    expect(() =>
      store.write((tx) => {
        tx.insert(users).values(row("usr_b")).run();
        throw new Error("refused");
      }),
    ).toThrow("refused");
    store.write((tx) => tx.insert(users).values(row("usr_c")).run());
    await store.durable();
    expect(committedIds(file)).toEqual(["usr_a", "usr_c"]);
  });

  test("a request reads its own writes before the batch commits", () => {
    const { store } = groupStore();
    store.write((tx) => tx.insert(users).values(row("usr_r")).run());
    expect(store.read.select({ id: users.id }).from(users).all()).toEqual([{ id: "usr_r" }]);
  });

  test("afterCommit callbacks run only once the batch is committed", async () => {
    const { store, file } = groupStore();
    const seen: string[][] = [];
    store.write((tx) => tx.insert(users).values(row("usr_x")).run());
    store.afterCommit(() => seen.push(committedIds(file)));
    expect(seen).toEqual([]);
    await store.durable();
    expect(seen).toEqual([["usr_x"]]);
  });

  test("asynchronous write functions are refused (they would escape the transaction)", async () => {
    const { store, file } = groupStore();
    expect(() => store.write((async () => 1) as never)).toThrow("synchronous");
    await store.durable();
    expect(committedIds(file)).toEqual([]);
  });

  test("close() commits a pending batch", () => {
    const { store, file } = groupStore();
    store.write((tx) => tx.insert(users).values(row("usr_z")).run());
    store.close();
    stores.splice(stores.indexOf(store), 1);
    expect(committedIds(file)).toEqual(["usr_z"]);
  });

  test("a failed commit rejects durable() so the edge can refuse to acknowledge", async () => {
    const { store } = groupStore();
    store.write((tx) => tx.insert(users).values(row("usr_f")).run());
    // A deferred foreign-key violation only fails at COMMIT time.
    store.write((tx) => {
      tx.run(sql`PRAGMA defer_foreign_keys = ON`);
      tx.run(sql`INSERT INTO sessions (id, user_id, created_at, last_seen_at, expires_at) VALUES ('ses_x', 'usr_missing', 1, 1, 1)`);
    });
    await expect(store.durable()).rejects.toThrow();
    expect(store.read.select({ id: users.id }).from(users).all()).toEqual([]);
  });
});

describe("the HTTP edge with group commit", () => {
  function appWithControlledDurability() {
    const app = createTestApp();
    let settle!: { resolve: () => void; reject: (e: Error) => void };
    const pending = new Promise<void>((resolve, reject) => (settle = { resolve, reject }));
    pending.catch(() => {});
    const store = Object.create(app.services.store, { durable: { value: () => pending } }) as Store;
    const http = createHttpApp({ services: { ...app.services, store }, config: app.config, web: { index: "<div id=\"app\"></div>", assets: {} } });
    return { app, http, settle };
  }

  test("a response waits until the writes before it are durable", async () => {
    const { app, http, settle } = appWithControlledDurability();
    try {
      let answered = false;
      const response = http.handle(new Request("http://127.0.0.1:7433/healthz")).then((r) => {
        answered = true;
        return r;
      });
      await Bun.sleep(30);
      expect(answered).toBe(false);
      settle.resolve();
      expect((await response).status).toBe(200);
    } finally {
      app.dispose();
    }
  });

  test("when the commit fails, the client gets an error instead of an acknowledgement", async () => {
    const { app, http, settle } = appWithControlledDurability();
    try {
      const response = http.handle(new Request("http://127.0.0.1:7433/healthz"));
      settle.reject(new Error("disk full"));
      const res = await response;
      expect(res.status).toBe(500);
      const body = await res.text();
      expect(body).toContain("could not be saved");
      expect(body).not.toContain("disk full");
    } finally {
      app.dispose();
    }
  });
});
