// Every audit event type in the registry is emitted by driving the real verbs, routes, MCP tools
// and commands. Types whose verbs do not exist yet are listed in PENDING, and the list must shrink:
// a pending type that becomes emitted fails the test until it is removed from the list.
import { afterAll, describe, expect, test } from "bun:test";
import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { backupCommand, restoreCommand } from "../../src/cli/backup.ts";
import { serveCommand } from "../../src/cli/serve.ts";
import { EVENT_TYPES } from "../../src/core/audit/registry.ts";
import { expireCheckpoints } from "../../src/core/checkpoint/expire-checkpoints.ts";
import { runMinerPass } from "../../src/core/miner/run-miner-pass.ts";
import { advancePhase } from "../../src/core/run/advance-phase.ts";
import { startRun } from "../../src/core/run/start-run.ts";
import { issueSetupToken } from "../../src/core/user/setup.ts";
import { DEFAULT_RUNBOOK_ID } from "../../src/core/runbook/schemas.ts";
import { DAY } from "../../src/lib/time.ts";
import { createTestApp, seedUser, TEST_PASSWORD, type TestApp } from "../support/app.ts";
import { emittedTypes } from "../support/audit.ts";
import { captureIo } from "../support/capture-io.ts";
import { api, cookieFrom } from "../support/http.ts";
import { callTool } from "../support/mcp-call.ts";
import { seedAgent } from "../support/mcp.ts";
import { seedCanaryProject } from "../support/projects.ts";
import { sessionHeaders } from "../support/session-cookie.ts";
import { BASE_DN, ROOT_DN, SERVICE_DN, startTestSlapd } from "../support/slapd.ts";
import { Client } from "ldapts";

/** Types no test can emit yet because their verb does not exist (keep this honest and short). */
const PENDING: readonly string[] = [];

const emitted = new Set<string>();
const apps: TestApp[] = [];
const scratch = mkdtempSync(join(tmpdir(), "railyard-coverage-"));
async function fresh(flags: Record<string, string> = {}): Promise<TestApp> {
  const app = await createTestApp(flags);
  apps.push(app);
  return app;
}
function collect(app: TestApp): void {
  for (const type of emittedTypes(app)) emitted.add(type);
}
afterAll(async () => {
  for (const app of apps) await app.dispose();
  rmSync(scratch, { recursive: true, force: true });
});

const app = await fresh();
let owner: Awaited<ReturnType<typeof seedUser>>;
let lead: Awaited<ReturnType<typeof seedUser>>;
let dev: Awaited<ReturnType<typeof seedUser>>;
let devKey = "";
/** Asserts a 2xx answer, showing the body when it is not. */
function ok(response: { status: number; text: string }): void {
  if (response.status >= 300) throw new Error(`expected success, got ${response.status}: ${response.text.slice(0, 300)}`);
}
const as = async (who: { actor: Parameters<typeof sessionHeaders>[1] }) => sessionHeaders(app, who.actor);

describe("audit coverage: every registered event type is emitted by real code", () => {
  test("people: setup, sign-in, failures, lock-out, logout, invitation, password change and reset, user lifecycle and erasure", async () => {
    const token = (await issueSetupToken(app.ctx()))!;
    const setup = await api(app, "POST", "/api/setup", { body: { token, email: "olive@example.test", name: "Olive", password: TEST_PASSWORD } });
    ok(setup);
    const login = await api(app, "POST", "/api/auth/login", { body: { email: "olive@example.test", password: TEST_PASSWORD } });
    ok(login);
    const cookie = cookieFrom(login)!;
    ok(await api(app, "POST", "/api/auth/logout", { headers: { cookie } }));

    owner = await seedUser(app, "owner");
    lead = await seedUser(app, "lead");
    dev = await seedUser(app, "developer");
    const ownerHeaders = await as(owner);
    ok(await api(app, "PATCH", "/api/settings", { body: { loginMaxFailures: 1 }, headers: ownerHeaders }));
    expect((await api(app, "POST", "/api/auth/login", { body: { email: "olive@example.test", password: "wrong-password-123" } })).status).toBe(401);
    expect((await api(app, "POST", "/api/auth/login", { body: { email: "olive@example.test", password: TEST_PASSWORD } })).status).toBe(429);

    const created = await api(app, "POST", "/api/users", { body: { email: "pat@example.test", role: "developer", name: "Pat" }, headers: ownerHeaders });
    ok(created);
    const patId = created.json.user?.id ?? created.json.id;
    // Pat sets a password with the invitation link, then changes it; a new link resets it again.
    ok(await api(app, "POST", "/api/password-reset", { body: { token: created.json.resetLink.split("#token=")[1], password: TEST_PASSWORD } }));
    const patHeaders = await sessionHeaders(app, { kind: "human", userId: patId, role: "developer" });
    ok(await api(app, "POST", "/api/auth/password", { body: { currentPassword: TEST_PASSWORD, newPassword: "a-changed-coverage-passphrase" }, headers: patHeaders }));
    const reset = await api(app, "POST", `/api/users/${patId}/password-reset`, { headers: ownerHeaders });
    ok(reset);
    ok(await api(app, "POST", "/api/password-reset", { body: { token: reset.json.resetLink.split("#token=")[1], password: TEST_PASSWORD } }));
    await sessionHeaders(app, { kind: "human", userId: patId, role: "developer" }); // a live session to revoke
    for (const body of [{ name: "Patricia" }, { role: "lead" }, { disabled: true }, { disabled: false }]) {
      ok(await api(app, "PATCH", `/api/users/${patId}`, { body, headers: ownerHeaders }));
    }
    ok(await api(app, "POST", `/api/users/${patId}/erase`, { headers: ownerHeaders }));
  });

  test("keys: created, revoked, rejected and rate limited", async () => {
    const devHeaders = await as(dev);
    const spare = await api(app, "POST", "/api/keys", { body: { name: "spare" }, headers: devHeaders });
    ok(spare);
    ok(await api(app, "DELETE", `/api/keys/${spare.json.id}`, { headers: devHeaders }));
    expect((await callTool(app, spare.json.key, "get_scope", { project: "shop" })).status).toBe(401);
    const key = await api(app, "POST", "/api/keys", { body: { name: "laptop" }, headers: devHeaders });
    devKey = key.json.key;

    const limited = await fresh({ "key-rate-limit": "1" });
    const { user } = await seedUser(limited, "developer");
    const k = await api(limited, "POST", "/api/keys", { body: { name: "x" }, headers: await sessionHeaders(limited, { kind: "human", userId: user.id, role: "developer" }) });
    await callTool(limited, k.json.key, "get_scope", { project: "none" });
    expect((await callTool(limited, k.json.key, "get_scope", { project: "none" })).status).toBe(429);
    collect(limited);
  });

  test("projects, modules, access, runbooks and the shared brain", async () => {
    const h = await as(owner);
    ok(await api(app, "POST", "/api/projects", { body: { slug: "shop", name: "Shop" }, headers: h }));
    ok(await api(app, "PATCH", "/api/projects/shop", { body: { name: "The shop" }, headers: h }));
    ok(await api(app, "POST", "/api/projects/shop/modules", { body: { name: "billing", globs: ["src/billing/**"] }, headers: h }));
    ok(await api(app, "PATCH", "/api/projects/shop/modules/billing", { body: { globs: ["src/billing/**", "lib/billing/**"] }, headers: h }));
    ok(await api(app, "PUT", "/api/projects/shop/modules/billing/access", { body: { access: { developer: "excluded" } }, headers: h }));
    ok(await api(app, "POST", "/api/projects/shop/modules", { body: { name: "tmp", globs: ["tmp/**"] }, headers: h }));
    ok(await api(app, "DELETE", "/api/projects/shop/modules/tmp", { headers: h }));
    ok(await api(app, "POST", "/api/projects", { body: { slug: "old", name: "Old" }, headers: h }));
    ok(await api(app, "DELETE", "/api/projects/old", { headers: h }));
    ok(await api(app, "POST", "/api/projects/shop/notes", { body: { body: "Invoices are immutable once sent." }, headers: h }));
    const phases = [{ name: "plan" }, { name: "build" }, { name: "test", exit: { requires: "passing_test" } }, { name: "review", gate: { minRole: "lead" } }, { name: "ship" }];
    // Dropping the ship gate loosens the process: proposed by the owner, approved by a lead (a second person).
    const proposed = await api(app, "POST", `/api/runbooks/${DEFAULT_RUNBOOK_ID}/versions`, { body: { phases }, headers: h });
    expect(proposed.status).toBe(202);
    ok(await api(app, "POST", `/api/runbooks/${DEFAULT_RUNBOOK_ID}/changes/${proposed.json.change.id}/approve`, { headers: await as(lead) }));
    const withdrawn = await api(app, "POST", `/api/runbooks/${DEFAULT_RUNBOOK_ID}/versions`, { body: { phases: [{ name: "plan" }, { name: "ship" }] }, headers: h });
    ok(await api(app, "POST", `/api/runbooks/${DEFAULT_RUNBOOK_ID}/changes/${withdrawn.json.change.id}/reject`, { body: { reason: "Too loose" }, headers: h }));
  });

  test("runs through MCP: phases, gates, work units, reports, checkpoints, drift, scanner, outcomes", async () => {
    const tool = async (name: string, args: unknown) => {
      const result = await callTool(app, devKey, name, args);
      expect(result.rpcError).toBeNull();
      return result;
    };
    expect((await tool("get_scope", { project: "shop" })).isError).toBe(false);
    const run = (await tool("start_run", { project: "shop", title: "Add invoices" })).structured.run_id as string;
    const units = (await tool("plan_work", { run_id: run, units: ["a", "b", "c", "d", "e"].map((t) => ({ title: `unit ${t}`, paths: [`src/${t}.ts`] })) })).structured.units as { unit_id: string }[];
    const statuses = ["in_progress", "done", "failed", "skipped", "blocked"];
    for (const [i, status] of statuses.entries()) {
      if (status !== "in_progress") await tool("update_work_unit", { run_id: run, unit_id: units[i]!.unit_id, status: "in_progress" });
      await tool("update_work_unit", { run_id: run, unit_id: units[i]!.unit_id, status });
    }
    expect((await tool("report_files", { run_id: run, action: "modified", paths: ["src/a.ts", "src/billing/invoice.ts"] })).isError).toBe(true);
    await tool("report_usage", { run_id: run, model: "claude-sonnet-5", input_tokens: 1000, output_tokens: 200 });
    await tool("link_change", { run_id: run, branch: "feat/invoices", commit_sha: "a1b2c3d4" });
    await tool("advance_phase", { run_id: run, phase: "build" });
    await tool("advance_phase", { run_id: run, phase: "test" });
    expect((await tool("advance_phase", { run_id: run, phase: "review" })).isError).toBe(true);
    await tool("report_build", { run_id: run, kind: "test", exit_code: 0, duration_ms: 1200 });
    const gated = await tool("advance_phase", { run_id: run, phase: "review" });
    const gateId = gated.structured.checkpoint_id as string;
    ok(await api(app, "POST", `/api/checkpoints/${gateId}/approve`, { body: { reason: "Looks right" }, headers: await as(lead) }));
    await tool("advance_phase", { run_id: run, phase: "review" });
    await tool("advance_phase", { run_id: run, phase: "ship" });
    const finished = await tool("finish_run", { run_id: run, outcome: "completed", summary: "Invoices added", learnings: ["Invoice numbers are sequential per year."] });
    expect(finished.isError).toBe(false);
    // The agent's learning waits for a person: a lead approves it, the owner edits and deletes it.
    const notes = (await api(app, "GET", "/api/projects/shop/notes", { headers: await as(owner) })).json.notes as { id: string; status: string }[];
    const learning = notes.find((n) => n.status === "proposed")!;
    ok(await api(app, "POST", `/api/projects/shop/notes/${learning.id}/approve`, { headers: await as(lead) }));
    ok(await api(app, "PATCH", `/api/projects/shop/notes/${learning.id}`, { body: { body: "Invoice numbers are sequential per calendar year." }, headers: await as(owner) }));
    ok(await api(app, "DELETE", `/api/projects/shop/notes/${learning.id}`, { headers: await as(owner) }));

    const failed = (await tool("start_run", { project: "shop", title: "Try a migration" })).structured.run_id as string;
    const risky = (await tool("request_approval", { run_id: failed, reason: "destructive_action", summary: "Drop a column" })).structured.checkpoint_id as string;
    ok(await api(app, "POST", `/api/checkpoints/${risky}/reject`, { body: { reason: "Not this one" }, headers: await as(lead) }));
    // The run stays blocked until a person (not its owner) unblocks it.
    ok(await api(app, "POST", `/api/runs/${failed}/unblock`, { headers: await as(owner) }));
    await tool("finish_run", { run_id: failed, outcome: "failed", summary: "Did not work" });
    const waiting = (await tool("start_run", { project: "shop", title: "Wait for approval" })).structured.run_id as string;
    await tool("request_approval", { run_id: waiting, reason: "release", summary: "Ship it" });
    await tool("plan_work", { run_id: waiting, units: [{ title: "release notes", paths: ["src/release.ts"] }] });
    app.clock.advance(2 * DAY);
    // The waiting run has been idle for two days: its claim ends when another run asks for the path.
    const takeover = (await tool("start_run", { project: "shop", title: "Take over the release" })).structured.run_id as string;
    expect((await tool("plan_work", { run_id: takeover, units: [{ title: "take over", paths: ["src/release.ts"] }] })).structured.conflicts).toEqual([]);
    await expireCheckpoints({ ctx: app.ctx() });
    const cancelled = (await tool("start_run", { project: "shop", title: "Change of plan" })).structured.run_id as string;
    expect((await tool("advance_phase", { run_id: cancelled, phase: "ship" })).isError).toBe(true); // skipping the review gate: drift
    await tool("finish_run", { run_id: cancelled, outcome: "cancelled", summary: "Not needed" });

    expect((await tool("start_run", { project: "shop", title: "Mail ana.lopez@example.com about it" })).isError).toBe(true);
    ok(await api(app, "PATCH", "/api/settings", { body: { scannerPolicy: "redact" }, headers: await as(owner) }));
    expect((await tool("start_run", { project: "shop", title: "Mail ana.lopez@example.com about it" })).isError).toBe(false);
    expect((await tool("plan_work", { run_id: run, units: [{ title: "x", paths: ["../etc/passwd"] }] })).isError).toBe(true);
  });

  test("edges and the trail itself: refusals, verify, export, purge", async () => {
    expect((await app.request("http://evil.example/api/audit")).status).toBe(403);
    const h = await as(owner);
    expect((await api(app, "PATCH", "/api/settings", { body: { retentionDays: "soon" }, headers: h })).status).toBe(400);
    expect((await api(app, "GET", "/api/audit/verify", { headers: h })).json.intact).toBe(true);
    expect((await app.request("/api/audit/export", { headers: h })).status).toBe(200);
    collect(app); // before the purge removes what is older than a day
    ok(await api(app, "PATCH", "/api/settings", { body: { retentionDays: 1 }, headers: h }));
    ok(await api(app, "POST", "/api/audit/purge", { headers: h }));
    collect(app);
  });

  test("notifications: channels created, changed, tested and deleted; a person's preferences", async () => {
    const h = await as(owner);
    const created = await api(app, "POST", "/api/channels", { body: { name: "Coverage", kind: "webhook", url: "https://hooks.example.test/c", secret: "a-coverage-signing-secret" }, headers: h });
    ok(created);
    const id = created.json.channel.id;
    ok(await api(app, "PATCH", `/api/channels/${id}`, { body: { enabled: false }, headers: h }));
    ok(await api(app, "POST", `/api/channels/${id}/test`, { headers: h }));
    ok(await api(app, "DELETE", `/api/channels/${id}`, { headers: h }));
    ok(await api(app, "PUT", "/api/notification-preferences", { body: { events: ["checkpoint.requested"] }, headers: await as(lead) }));
    collect(app);
  });

  test("audit streaming: destinations created, changed and deleted", async () => {
    const h = await as(owner);
    // Disabled: nothing is sent to the discard port.
    const created = await api(app, "POST", "/api/audit-streams", { body: { name: "Coverage", url: "tcp://127.0.0.1:9", enabled: false }, headers: h });
    ok(created);
    const id = created.json.stream.id;
    ok(await api(app, "PATCH", `/api/audit-streams/${id}`, { body: { eventTypes: ["run.*"] }, headers: h }));
    ok(await api(app, "DELETE", `/api/audit-streams/${id}`, { headers: h }));
    collect(app);
  });

  test("single sign-on (a private slapd): settings, SSO-only, provisioning, linking, profile sync, refusals, renewal; password change refusals", async () => {
    const h = await as(owner);
    // A wrong current password is refused and recorded.
    expect((await api(app, "POST", "/api/auth/password", { body: { currentPassword: "not-the-current-one", newPassword: "another-coverage-passphrase" }, headers: await as(lead) })).status).toBe(400);
    const slapd = await startTestSlapd({
      sam: { name: "Sam", mail: "sam@example.test", password: "sam-directory-pass", groups: ["engineering"] },
      linked: { name: "Lead By Directory", mail: lead.user.email, password: "lead-directory-pass", groups: ["engineering"] },
    });
    try {
      ok(await api(app, "PATCH", "/api/settings/identity", { headers: h, body: { ldap: {
        enabled: true, url: slapd.ldapsUrl, caFile: slapd.caFile, bindDn: SERVICE_DN, bindPassword: slapd.servicePassword, baseDn: BASE_DN,
        userFilter: "(uid={login})", groupBaseDn: `ou=groups,${BASE_DN}`, groupFilter: "(member={dn})",
      } } }));
      ok(await api(app, "PATCH", "/api/settings/identity", { headers: h, body: { ssoOnly: true, breakGlassOwnerId: owner.user.id } }));
      ok(await api(app, "PATCH", "/api/settings/identity", { headers: h, body: { ssoOnly: false } }));
      expect((await api(app, "POST", "/api/auth/ldap", { body: { username: "nobody", password: "wrong-directory-pass" } })).status).toBe(401);
      const sam = await api(app, "POST", "/api/auth/ldap", { body: { username: "sam", password: "sam-directory-pass" } });
      ok(sam);
      // The lead's local account is linked by its email, and takes the directory's name.
      ok(await api(app, "POST", "/api/auth/ldap", { body: { username: "linked", password: "lead-directory-pass" } }));
      const admin = new Client({ url: slapd.ldapsUrl, tlsOptions: { ca: [await Bun.file(slapd.caFile).text()] } });
      await admin.bind(ROOT_DN, slapd.rootPassword);
      await admin.del(`uid=sam,ou=people,${BASE_DN}`);
      await admin.unbind();
      app.clock.advance(61_000);
      expect((await api(app, "GET", "/api/auth/me", { headers: { cookie: cookieFrom(sam)! } })).status).toBe(401);
    } finally {
      await slapd.stop();
    }
    collect(app);
  });

  test("commands on an SQLite data dir (backup and restore copy its file): backup, restore and a served lifetime (migrations, start, setup token, stop)", async () => {
    const lite = await createTestApp({}, { sqlite: true });
    const io = () => ({ ...captureIo(scratch), env: {} });
    const file = join(scratch, "backup.sqlite");
    expect(await backupCommand([file, "--data-dir", lite.dataDir], io())).toBe(0);
    collect(lite);
    copyFileSync(join(lite.dataDir, "audit.key"), join(scratch, "audit.key.copy"));
    await lite.dispose();
    const restored = join(scratch, "restored");
    expect(await restoreCommand([file, "--audit-key", join(scratch, "audit.key.copy"), "--data-dir", restored], io())).toBe(0);
    const dir = join(scratch, "served");
    const running = serveCommand(["--data-dir", dir, "--port", "0", "--log-level", "silent"], io());
    // The command installs its signal handlers synchronously, before it first awaits; a signal
    // during start-up lets the start finish (migrations, system.started) and then stops.
    process.emit("SIGTERM");
    expect(await running).toBe(0);
    for (const d of [restored, dir]) for (const type of emittedTypes(d)) emitted.add(type);
  });

  test("budgets and the ritual miner: budget set, 80% notice, exceeded, refused report, raised; a pass, a proposal approved in two steps and one dismissed", async () => {
    const b = await fresh({ "key-rate-limit": "1000000" });
    const o = await seedUser(b, "owner");
    const leads = [await seedUser(b, "lead"), await seedUser(b, "lead")];
    const devs = [await seedAgent(b, "developer"), await seedAgent(b, "developer")];
    await seedCanaryProject(b, "shop");
    ok(await api(b, "PUT", "/api/projects/shop/budget", { body: { monthlyTokens: null, runTokens: 100 }, headers: await sessionHeaders(b, o.actor) }));
    const run = (await startRun({ ctx: b.ctx(devs[0]!.actor), input: { project: "shop", title: "budgeted" } })).run_id;
    const usage = await callTool(b, devs[0]!.key, "report_usage", { run_id: run, model: "m", input_tokens: 120, output_tokens: 0 });
    const ck = usage.structured.budget.checkpoint_id as string;
    expect((await callTool(b, devs[0]!.key, "report_build", { run_id: run, kind: "test", exit_code: 0, duration_ms: 1 })).isError).toBe(true);
    ok(await api(b, "POST", `/api/checkpoints/${ck}/approve`, { body: { reason: "fine" }, headers: await sessionHeaders(b, leads[0]!.actor) }));
    // Two patterns (5 runs of 2 people each): refused evidence (a weakening patch) and a skipped gate.
    for (let i = 0; i < 5; i++) {
      const a = devs[i % 2]!;
      const r = (await startRun({ ctx: b.ctx(a.actor), input: { project: "shop", title: `story ${i}` } })).run_id;
      await advancePhase({ ctx: b.ctx(a.actor), input: { run_id: r, phase: "build" } });
      await advancePhase({ ctx: b.ctx(a.actor), input: { run_id: r, phase: "ship" } }).catch(() => null);
      await advancePhase({ ctx: b.ctx(a.actor), input: { run_id: r, phase: "test" } });
      await advancePhase({ ctx: b.ctx(a.actor), input: { run_id: r, phase: "review" } }).catch(() => null);
    }
    await runMinerPass(b.ctx());
    const listed = await api(b, "GET", "/api/runbook-proposals", { headers: await sessionHeaders(b, leads[0]!.actor) });
    ok(listed);
    const weak = listed.json.proposals.find((p: { weakening: boolean }) => p.weakening);
    const tight = listed.json.proposals.find((p: { weakening: boolean }) => !p.weakening);
    ok(await api(b, "POST", `/api/runbook-proposals/${weak.id}/approve`, { body: {}, headers: await sessionHeaders(b, leads[0]!.actor) }));
    ok(await api(b, "POST", `/api/runbook-proposals/${weak.id}/approve`, { body: {}, headers: await sessionHeaders(b, leads[1]!.actor) }));
    ok(await api(b, "POST", `/api/runbook-proposals/${tight.id}/dismiss`, { body: { reason: "not now" }, headers: await sessionHeaders(b, leads[1]!.actor) }));
    collect(b);
  });

  test("every registered type was emitted (or is listed as pending, with its verb still missing)", () => {
    const all = Object.keys(EVENT_TYPES);
    const missing = all.filter((t) => !emitted.has(t) && !PENDING.includes(t));
    expect(missing).toEqual([]);
    expect(PENDING.filter((t) => emitted.has(t))).toEqual([]);
  });
});
