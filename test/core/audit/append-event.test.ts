import { afterAll, describe, expect, test } from "bun:test";
import { settings } from "../../../src/db/schema/index.ts";
import type { EventInput } from "../../../src/core/audit/append-event.ts";
import { transact } from "../../../src/core/transact.ts";
import { createTestApp } from "../../support/app.ts";
import { countEvents } from "../../support/audit.ts";

const app = createTestApp();
afterAll(() => app.dispose());

function attempt(input: EventInput): unknown {
  try {
    transact(app.ctx(), (tx, record) => {
      tx.insert(settings).values({ key: `probe-${crypto.randomUUID()}`, value: 1, updatedAt: 0 }).run();
      record(input);
    });
    return null;
  } catch (error) {
    return error;
  }
}

describe("event metadata guard", () => {
  test("ids, kinds, counts, statuses and flat lists are accepted, stored with sorted keys", () => {
    expect(attempt({ type: "files.reported", runId: "run_x", meta: { z: 1, a: "editable", ok: true, none: null, kinds: ["email", "jwt"], counts: [1, 2] } })).toBeNull();
    const row = app.store.read.select().from(settings).all();
    expect(row.length).toBe(1);
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
    test(`refuses ${what}, and the change in the same transaction is rolled back`, () => {
      const events = countEvents(app);
      const rows = app.store.read.select().from(settings).all().length;
      const error = attempt(input) as { code?: string; message?: string };
      expect(error?.code).toBe("internal");
      expect(error.message).toContain("audit event refused");
      expect(error.message).not.toContain("line 1");
      expect(countEvents(app)).toBe(events);
      expect(app.store.read.select().from(settings).all().length).toBe(rows);
    });
  }
});
