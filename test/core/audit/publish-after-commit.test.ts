import { afterEach, describe, expect, test } from "bun:test";
import type { PublishedEvent } from "../../../src/core/context.ts";
import { readAuditAnchor } from "../../../src/core/audit/anchor.ts";
import { transact } from "../../../src/core/transact.ts";
import { createTestApp, type TestApp } from "../../support/app.ts";

let app: TestApp;
afterEach(() => app?.dispose());

describe("events published after a commit", () => {
  test("only the last event of a transaction is marked lastInCommit, and the head anchor points at it", async () => {
    app = await createTestApp();
    const seen: PublishedEvent[] = [];
    app.services.bus.subscribe((e) => seen.push(e));
    await transact(app.ctx(), async (_tx, record) => {
      await record({ type: "settings.changed", meta: { keys: ["a"] } });
      await record({ type: "settings.changed", meta: { keys: ["b"] } });
      await record({ type: "settings.changed", meta: { keys: ["c"] } });
    });
    expect(seen.map((e) => e.lastInCommit)).toEqual([false, false, true]);
    const anchor = readAuditAnchor(app.store.anchor, app.services.auditKey);
    expect(anchor).toEqual({ kind: "present", anchor: { seq: seen[2]!.seq, hash: expect.any(String) } });
  });

  test("a transaction that fails publishes nothing", async () => {
    app = await createTestApp();
    const seen: PublishedEvent[] = [];
    app.services.bus.subscribe((e) => seen.push(e));
    await expect(
      transact(app.ctx(), async (_tx, record) => {
        await record({ type: "settings.changed", meta: { keys: ["a"] } });
        throw new Error("refused");
      }),
    ).rejects.toThrow("refused");
    expect(seen).toEqual([]);
  });
});
