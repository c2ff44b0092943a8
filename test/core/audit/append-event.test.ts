import { afterAll, describe, expect, test } from "bun:test";
import type { EventInput } from "../../../src/core/audit/append-event.ts";
import { transact } from "../../../src/core/transact.ts";
import { createTestApp } from "../../support/app.ts";
import { countEvents, rawDatabase } from "../../support/audit.ts";
import { verifyAudit } from "../../../src/core/audit/verify-audit.ts";

const app = await createTestApp();
afterAll(() => app.dispose());

const probes = async () => (await app.store.read.settings.all()).filter((row) => row.key.startsWith("probe-")).length;

async function attempt(input: EventInput): Promise<unknown> {
  try {
    await transact(app.ctx(), async (tx, record) => {
      await tx.settings.put({ key: `probe-${crypto.randomUUID()}`, value: 1, updatedAt: 0, updatedBy: null });
      await record(input);
    });
    return null;
  } catch (error) {
    return error;
  }
}

describe("event metadata guard", () => {
  test("ids, kinds, counts, statuses and flat lists are accepted, stored with sorted keys", async () => {
    expect(await attempt({ type: "files.reported", runId: "run_x", meta: { z: 1, a: "editable", ok: true, none: null, kinds: ["email", "jwt"], counts: [1, 2] } })).toBeNull();
    expect(await probes()).toBe(1);
    const db = rawDatabase(app);
    const { meta } = db.query<{ meta: string }, []>("SELECT meta FROM audit_events ORDER BY seq DESC LIMIT 1").get()!;
    db.close();
    expect(Object.keys(JSON.parse(meta))).toEqual(["a", "counts", "kinds", "none", "ok", "z"]);
  });

  const refused: [string, EventInput][] = [
    ["a string with a newline (content, not metadata)", { type: "build.reported", meta: { tail: "line 1\nline 2" } }],
    ["a string over 200 characters", { type: "build.reported", meta: { summary: "x".repeat(201) } }],
    ["an array over 50 items", { type: "files.reported", meta: { paths: Array.from({ length: 51 }, (_, i) => `p${i}`) } }],
    ["a nested object", { type: "files.reported", meta: { nested: { a: 1 } as never } }],
    ["a non-finite number", { type: "usage.reported", meta: { tokens: Number.POSITIVE_INFINITY } }],
    ["a key that is not an identifier", { type: "usage.reported", meta: { "not a key": 1 } }],
    ["more than 32 keys", { type: "usage.reported", meta: Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`k${i}`, i])) }],
    ["a subject with a control character", { type: "usage.reported", subject: "a\u0000b" }],
    ["an unregistered event type", { type: "made.up" as never }],
  ];
  for (const [what, input] of refused) {
    test(`refuses ${what}, and the change in the same transaction is rolled back`, async () => {
      const events = countEvents(app);
      const rows = await probes();
      const error = (await attempt(input)) as { code?: string; message?: string };
      expect(error?.code).toBe("internal");
      expect(error.message).toContain("audit event refused");
      expect(error.message).not.toContain("line 1");
      expect(countEvents(app)).toBe(events);
      expect(await probes()).toBe(rows);
    });
  }
});

describe("the chain under group commit", () => {
  test("writes sharing one commit, some of them undone after appending, leave a contiguous, verifiable chain", async () => {
    const before = countEvents(app);
    const outcomes = await Promise.allSettled(Array.from({ length: 30 }, (_, i) => transact(app.ctx(), async (_tx, record) => {
      await record({ type: "scope.served", subject: `s${i}`, meta: { n: i } });
      await record({ type: "scope.served", subject: `s${i}b`, meta: { n: i } });
      // Every third write fails after appending: its events must vanish without a gap or a fork.
      if (i % 3 === 0) throw new Error("undone");
    })));
    expect(outcomes.filter((o) => o.status === "rejected")).toHaveLength(10);
    expect(countEvents(app)).toBe(before + 40);
    const db = rawDatabase(app);
    const rows = db.query<{ seq: number; prev_hash: string; hash: string }, []>("SELECT seq, prev_hash, hash FROM audit_events ORDER BY seq").all();
    db.close();
    rows.forEach((row, i) => {
      expect(row.seq).toBe(rows[0]!.seq + i);
      if (i > 0) expect(row.prev_hash).toBe(rows[i - 1]!.hash);
    });
    const result = await verifyAudit(app.store.read, app.services.auditKey);
    expect(result.intact).toBe(true);
  });
});
