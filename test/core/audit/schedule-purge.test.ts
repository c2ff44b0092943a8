import { afterAll, expect, test } from "bun:test";
import { scheduleAuditPurge } from "../../../src/core/audit/schedule-purge.ts";
import { verifyAudit } from "../../../src/core/audit/verify-audit.ts";
import { updateSettings } from "../../../src/core/setting/update-settings.ts";
import { transact } from "../../../src/core/transact.ts";
import { DAY } from "../../../src/lib/time.ts";
import { createTestApp } from "../../support/app.ts";
import { countEvents } from "../../support/audit.ts";

const app = await createTestApp();
afterAll(() => app.dispose());

test("the scheduled purge runs as the system, removes expired events, and stops when cleared", async () => {
  for (let i = 0; i < 4; i++) await transact(app.ctx(), (_tx, record) => record({ type: "scope.served", subject: `s${i}` }));
  await updateSettings({ ctx: app.ctx(), input: { retentionDays: 7 } });
  app.clock.advance(10 * DAY);
  await transact(app.ctx(), (_tx, record) => record({ type: "scope.served", subject: "recent" }));
  const stop = scheduleAuditPurge(app.ctx(), { firstAfterMs: 0, everyMs: 60_000 });
  // Wait for the timer to fire (polling, so a busy machine only makes it slower, never wrong).
  for (let i = 0; i < 200 && countEvents(app, "retention.purged") === 0; i++) await Bun.sleep(10);
  stop();
  expect(countEvents(app, "retention.purged")).toBe(1);
  expect(countEvents(app, "scope.served")).toBe(1);
  expect(await verifyAudit(app.store.read, app.services.auditKey)).toMatchObject({ intact: true });
});
