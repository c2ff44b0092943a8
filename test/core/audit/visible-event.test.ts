import { describe, expect, test } from "bun:test";
import { EVENT_TYPES } from "../../../src/core/audit/registry.ts";
import { visibleEvent } from "../../../src/core/audit/visible-event.ts";
import type { Actor, PublishedEvent } from "../../../src/core/context.ts";
import { can, ROLES, type Role } from "../../../src/core/roles.ts";

const human = (role: Role): Actor => ({ kind: "human", userId: "usr_00000000000000000000", role });
const event = (type: string): PublishedEvent => ({ seq: 7, at: 1000, type, runId: "run_x", projectId: "prj_x", subject: "src/secret-billing/a.ts", hash: "0".repeat(64), lastInCommit: true });
const WORKFLOW = ["run.started", "checkpoint.requested", "checkpoint.approved", "work_unit.done", "build.reported", "usage.reported", "scope.violation", "drift.detected", "knowledge.recorded", "runbook.published", "module.access_changed"];
const PRIVATE = ["auth.login_failed", "user.created", "key.created", "key.rejected", "settings.changed", "scanner.blocked", "origin.rejected", "system.started"];

describe("visibleEvent", () => {
  test.each(ROLES)("%s sees workflow events, with the subject dropped", (role) => {
    for (const type of WORKFLOW) {
      expect(visibleEvent(human(role), event(type))).toEqual({ seq: 7, at: 1000, type, runId: "run_x", projectId: "prj_x" });
    }
  });

  test.each(ROLES)("%s sees people, key, settings and security events only with audit.read_all", (role) => {
    for (const type of PRIVATE) expect(visibleEvent(human(role), event(type)) !== null).toBe(can(role, "audit.read_all"));
  });

  test("every registered event type reaches the owner, and never with its subject", () => {
    for (const type of Object.keys(EVENT_TYPES)) {
      const developer = visibleEvent(human("developer"), event(type));
      const owner = visibleEvent(human("owner"), event(type));
      expect(owner).not.toBeNull();
      if (developer) expect(developer).not.toHaveProperty("subject");
    }
  });

  test("agents and the system never get a live stream", () => {
    expect(visibleEvent({ kind: "agent", keyId: "key_x", userId: "usr_x", role: "owner" }, event("run.started"))).toBeNull();
    expect(visibleEvent({ kind: "system" }, event("run.started"))).toBeNull();
  });
});
