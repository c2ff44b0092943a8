// Notifications end to end inside one app: the outbox row commits with its event, the worker
// delivers to real receivers on loopback (signed webhook, Slack, Teams, ntfy, SMTP), retries with
// backoff under one delivery id, gives up visibly, and never lets a message carry more than it may.
import { afterAll, afterEach, beforeEach, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createProject } from "../../src/core/project/create-project.ts";
import { createNotifier, type Notifier } from "../../src/notify/worker.ts";
import { MINUTE, HOUR } from "../../src/lib/time.ts";
import { createTestApp, seedUser, type TestApp } from "../support/app.ts";
import { api } from "../support/http.ts";
import { callTool } from "../support/mcp-call.ts";
import { seedAgent, type Agent } from "../support/mcp.ts";
import { CANARY_PATH, seedCanaryProject } from "../support/projects.ts";
import { eventsOf } from "../support/runs.ts";
import { makeTestCa } from "../stream/receivers.ts";
import { sessionHeaders } from "../support/session-cookie.ts";
import { httpReceiver, smtpReceiver, type HttpReceiver, type SmtpReceiver } from "./receivers.ts";

const SECRET = "a-webhook-signing-secret-0123456789";
const BASE = "http://127.0.0.1:7433";

let app: TestApp;
let notifier: Notifier;
let owner: Record<string, string>;
let dev: Agent;
let lead: Awaited<ReturnType<typeof seedUser>>;
const cleanup: (() => Promise<void>)[] = [];

beforeEach(async () => {
  app = await createTestApp({}, { notifier: false });
  await seedCanaryProject(app);
  owner = await sessionHeaders(app, (await seedUser(app, "owner", "olive@example.test")).actor);
  dev = await seedAgent(app, "developer");
  lead = await seedUser(app, "lead", "lee@example.test");
  notifier = createNotifier(app.services, { backoffBaseMs: 1000, backoffMaxMs: 8000, maxAttempts: 5, timeoutMs: 2000, concurrency: 2 });
});
afterEach(async () => {
  await notifier.stop();
  for (const fn of cleanup.splice(0)) await fn();
  await app.dispose();
});
afterAll(async () => {
  for (const fn of cleanup.splice(0)) await fn();
});

async function receiver(options: Parameters<typeof httpReceiver>[0] = {}): Promise<HttpReceiver> {
  const r = httpReceiver(options);
  cleanup.push(() => r.stop());
  return r;
}
async function smtp(options: Parameters<typeof smtpReceiver>[0] = {}): Promise<SmtpReceiver> {
  const r = await smtpReceiver(options);
  cleanup.push(() => r.stop());
  return r;
}
async function channel(body: Record<string, unknown>): Promise<string> {
  const res = await api(app, "POST", "/api/channels", { body: { allowPrivateNetwork: true, ...body }, headers: owner });
  if (res.status !== 201) throw new Error(`channel: ${res.status} ${res.text}`);
  return res.json.channel.id;
}
/** A run of the developer's agent waiting at the review gate; returns its run and checkpoint ids. */
async function gatedRun(title = "Add invoices"): Promise<{ runId: string; checkpointId: string }> {
  const call = async (name: string, args: Record<string, unknown>) => {
    const r = await callTool(app, dev.key, name, args);
    if (r.isError || r.rpcError) throw new Error(`${name}: ${r.text}`);
    return r.structured;
  };
  const runId = (await call("start_run", { project: "shop", title })).run_id;
  await call("advance_phase", { run_id: runId, phase: "build" });
  await call("advance_phase", { run_id: runId, phase: "test" });
  await call("report_build", { run_id: runId, kind: "test", exit_code: 0, duration_ms: 10 });
  const gated = await call("advance_phase", { run_id: runId, phase: "review" });
  expect(gated.status).toBe("awaiting_approval");
  return { runId, checkpointId: gated.checkpoint_id };
}
const deliveries = async (channelId: string, status?: string) =>
  (await api(app, "GET", `/api/channels/${channelId}/deliveries${status ? `?status=${status}` : ""}`, { headers: owner })).json;

describe("delivery to real receivers", () => {
  test("a gated advance_phase reaches a signed webhook: body fields, headers and an HMAC-SHA256 of timestamp.body the receiver verifies", async () => {
    const hook = await receiver({ secret: SECRET });
    const id = await channel({ name: "Ops hook", kind: "webhook", url: `${hook.url}/railyard`, secret: SECRET });
    const { runId, checkpointId } = await gatedRun();
    await notifier.runOnce();
    const [got] = await hook.waitFor(1);
    expect(got!.signatureValid).toBe(true);
    expect(got!.headers["x-railyard-event"]).toBe("checkpoint.requested");
    expect(got!.headers["x-railyard-delivery"]).toMatch(/^dlv_/);
    expect(Number(got!.headers["x-railyard-timestamp"])).toBeGreaterThan(1_600_000_000);
    expect(got!.json).toMatchObject({
      event: "checkpoint.requested", delivery_id: got!.headers["x-railyard-delivery"], project: { slug: "shop", name: "Shop" },
      run: { id: runId, title: "Add invoices" }, checkpoint: { id: checkpointId, target_phase: "review", required_role: "lead", status: "pending" },
      url: `${BASE}/approvals?checkpoint=${checkpointId}`,
    });
    expect(typeof got!.json.occurred_at).toBe("string");
    // A receiver with another secret would reject it.
    const forged = httpReceiver({ secret: "another-secret-of-some-length" });
    cleanup.push(() => forged.stop());
    await fetch(forged.url, { method: "POST", headers: got!.headers, body: got!.body });
    expect((await forged.waitFor(1))[0]!.signatureValid).toBe(false);
    expect((await deliveries(id)).deliveries[0]).toMatchObject({ status: "delivered", attempts: 1, kind: "checkpoint.requested" });
  });

  test("the checkpoint goes to the people who may decide it by email, never to the run's owner; the decision goes to the owner", async () => {
    const mail = await smtp();
    await channel({ name: "Mail", kind: "email", host: "127.0.0.1", port: mail.port, security: "none", from: "railyard@example.test", personal: true, events: [] });
    const admin = await seedUser(app, "admin", "ada@example.test");
    await seedUser(app, "auditor", "aud@example.test");
    const { checkpointId } = await gatedRun();
    await notifier.runOnce();
    await mail.waitFor(3);
    const recipients = mail.mails.flatMap((m) => m.to).sort();
    // Owner, admin and lead may decide a lead checkpoint; the developer owns the run; the auditor cannot decide.
    expect(recipients).toEqual(["ada@example.test", "lee@example.test", "olive@example.test"]);
    const leadMail = mail.mails.find((m) => m.to.includes("lee@example.test"))!;
    expect(leadMail.from).toBe("railyard@example.test");
    expect(leadMail.raw).toContain(`${BASE}/approvals?checkpoint=${checkpointId}`);
    expect(leadMail.raw).toMatch(/^Subject: .*Railyard/m);
    expect(leadMail.raw).toContain(`\r\n\r\nApproval needed: entering phase 'review' on "Add invoices"`);
    expect(leadMail.raw).toContain("X-Railyard-Delivery: dlv_");

    mail.mails.length = 0;
    const decided = await api(app, "POST", `/api/checkpoints/${checkpointId}/approve`, { body: { reason: "looks right" }, headers: await sessionHeaders(app, admin.actor) });
    expect(decided.status).toBe(200);
    await notifier.runOnce();
    const [toOwner] = await mail.waitFor(1);
    const devEmail = (await app.store.read.users.byId(dev.userId))!.email;
    expect(toOwner!.to).toEqual([devEmail]);
    expect(toOwner!.raw).toContain("Checkpoint approved");
    // The decider's reason is a person's free text: it is not in the message.
    expect(toOwner!.raw).not.toContain("looks right");
  });

  test("a receiver that fails three times then succeeds: four attempts, one delivery id, each retry only after its backoff", async () => {
    const hook = await receiver({ secret: SECRET, answer: (n) => (n <= 3 ? 503 : 200) });
    const id = await channel({ name: "Flaky", kind: "webhook", url: hook.url, secret: SECRET });
    await gatedRun();
    await notifier.runOnce();
    expect(hook.received).toHaveLength(1);
    for (const [attempt, delay] of [[2, 1000], [3, 2000], [4, 4000]] as const) {
      // Not yet due: nothing is sent.
      app.clock.advance(delay - 1);
      await notifier.runOnce();
      expect(hook.received).toHaveLength(attempt - 1);
      app.clock.advance(1);
      await notifier.runOnce();
      expect(hook.received).toHaveLength(attempt);
    }
    const ids = new Set(hook.received.map((r) => r.headers["x-railyard-delivery"]));
    expect(ids.size).toBe(1);
    expect(new Set(hook.received.map((r) => r.body)).size).toBe(1);
    expect(hook.received.every((r) => r.signatureValid)).toBe(true);
    const [row] = (await deliveries(id)).deliveries;
    expect(row).toMatchObject({ id: [...ids][0], status: "delivered", attempts: 4, lastError: null });
  });

  test("after the last retry the failure shows in Settings with its HTTP status and is counted in /metrics", async () => {
    const token = `${mkdtempSync(join(tmpdir(), "railyard-metrics-"))}/metrics.token`;
    await Bun.write(token, "a-metrics-token-0123456789");
    await app.dispose();
    app = await createTestApp({ metrics: "true", "metrics-token-file": token }, { notifier: false });
    await seedCanaryProject(app);
    const theOwner = await seedUser(app, "owner");
    owner = await sessionHeaders(app, theOwner.actor);
    dev = await seedAgent(app, "developer");
    await seedUser(app, "lead");
    notifier = createNotifier(app.services, { backoffBaseMs: 10, maxAttempts: 2 });
    const hook = await receiver({ answer: () => 500 });
    const id = await channel({ name: "Dead", kind: "webhook", url: hook.url, secret: SECRET });
    await gatedRun();
    await notifier.runOnce();
    app.clock.advance(10);
    await notifier.runOnce();
    expect(hook.received).toHaveLength(2);
    app.clock.advance(HOUR);
    await notifier.runOnce();
    expect(hook.received).toHaveLength(2);
    owner = await sessionHeaders(app, theOwner.actor);
    const failed = await deliveries(id, "failed");
    expect(failed.total).toBe(1);
    expect(failed.deliveries[0]).toMatchObject({ status: "failed", attempts: 2, lastError: "HTTP 500", nextAttemptAt: null });
    const list = await api(app, "GET", "/api/channels", { headers: owner });
    expect(list.json.channels[0].deliveries).toEqual({ pending: 0, delivered: 0, failed: 1 });
    expect(list.text).not.toContain(SECRET);
    const metrics = await (await app.request("/metrics", { headers: { authorization: "Bearer a-metrics-token-0123456789" } })).text();
    expect(metrics).toContain('railyard_notification_deliveries{status="failed"} 1');
    expect(metrics).toContain('railyard_notification_failures_total{kind="webhook"} 1');
  });

  test("redirects are not followed: a 302 is a failure and the redirect target is never contacted", async () => {
    const target = await receiver();
    const hook = await receiver({ answer: () => new Response(null, { status: 302, headers: { location: `${target.url}/stolen` } }) });
    const id = await channel({ name: "Redirecting", kind: "webhook", url: hook.url, secret: SECRET });
    await gatedRun();
    await notifier.runOnce();
    expect(hook.received).toHaveLength(1);
    expect(target.received).toHaveLength(0);
    expect((await deliveries(id, "failed")).deliveries[0].lastError).toBe("HTTP 302 (redirects are not followed)");
  });

  test("Slack-compatible and Teams receivers get text plus blocks and an Adaptive Card whose only action opens the page", async () => {
    const slack = await receiver();
    const teams = await receiver();
    await channel({ name: "Slack", kind: "slack", url: `${slack.url}/services/T000/B000/XXXXSECRET` });
    await channel({ name: "Teams", kind: "teams", url: `${teams.url}/workflows/abc?sig=SIGSECRET` });
    const { checkpointId } = await gatedRun("Fix <b>login</b> & co");
    await notifier.runOnce();
    const [s] = await slack.waitFor(1);
    expect(s!.json.text).toContain("Fix &lt;b&gt;login&lt;/b&gt; &amp; co");
    expect(s!.json.text).toContain(`<${BASE}/approvals?checkpoint=${checkpointId}|Open in Railyard>`);
    expect(s!.json.blocks.map((b: any) => b.type)).toEqual(["section", "actions", "context"]);
    expect(s!.json.blocks[1].elements[0]).toEqual({ type: "button", text: { type: "plain_text", text: "Open in Railyard" }, url: `${BASE}/approvals?checkpoint=${checkpointId}` });
    const [t] = await teams.waitFor(1);
    const card = t!.json.attachments[0];
    expect(card.contentType).toBe("application/vnd.microsoft.card.adaptive");
    expect(card.content.type).toBe("AdaptiveCard");
    expect(card.content.actions).toEqual([{ type: "Action.OpenUrl", title: "Open in Railyard", url: `${BASE}/approvals?checkpoint=${checkpointId}` }]);
    // The secret URLs are where they were sent, never inside what was sent.
    for (const body of [s!.body, t!.body]) expect(body).not.toMatch(/SIGSECRET|XXXXSECRET/);
  });

  test("ntfy: the team topic and a person's own topic on the same server, with the link as the click action", async () => {
    const ntfy = await receiver();
    await channel({ name: "ntfy", kind: "ntfy", url: `${ntfy.url}/railyard-team`, token: "tk_ntfy_token_value", personal: true });
    const leadHeaders = await sessionHeaders(app, lead.actor);
    expect((await api(app, "PUT", "/api/notification-preferences", { body: { ntfyTopic: "lee-phone", email: false }, headers: leadHeaders })).status).toBe(200);
    const { checkpointId } = await gatedRun();
    await notifier.runOnce();
    const got = await ntfy.waitFor(2);
    expect(got.map((r) => r.json.topic).sort()).toEqual(["lee-phone", "railyard-team"]);
    for (const r of got) {
      expect(r.path).toBe("/");
      expect(r.headers.authorization).toBe("Bearer tk_ntfy_token_value");
      expect(r.json.click).toBe(`${BASE}/approvals?checkpoint=${checkpointId}`);
      expect(r.json.priority).toBe(4);
    }
  });
});

describe("what a message may say", () => {
  test("masked for its audience: a developer-audience channel sees ‹module›, a lead-audience channel the path; no agent free text", async () => {
    const forDevs = await receiver({ secret: SECRET });
    const forLeads = await receiver({ secret: SECRET });
    await channel({ name: "devs", kind: "webhook", url: forDevs.url, secret: SECRET, audienceRole: "developer" });
    await channel({ name: "leads", kind: "webhook", url: forLeads.url, secret: SECRET, audienceRole: "lead" });
    const runId = (await callTool(app, dev.key, "start_run", { project: "shop", title: `Touch ${CANARY_PATH}` })).structured.run_id;
    const asked = await callTool(app, dev.key, "request_approval", { run_id: runId, reason: "scope_exception", summary: "AGENT-FREE-TEXT-SUMMARY please" });
    expect(asked.isError).toBe(false);
    await notifier.runOnce();
    const [d] = await forDevs.waitFor(1);
    const [l] = await forLeads.waitFor(1);
    expect(d!.json.run.title).toBe("Touch ‹secret-billing›");
    expect(d!.body).not.toContain("secret-billing/");
    expect(l!.json.run.title).toBe(`Touch ${CANARY_PATH}`);
    for (const r of [d!, l!]) {
      expect(r.body).not.toContain("AGENT-FREE-TEXT-SUMMARY");
      expect(r.body).not.toContain(dev.key);
      expect(r.body).not.toContain("ryd_");
    }
  });

  test("scope violations and drift are opt-in: nothing by default, the lead's own topic once they opt in", async () => {
    const ntfy = await receiver();
    await channel({ name: "ntfy", kind: "ntfy", url: `${ntfy.url}/team`, personal: true, events: [] });
    const leadHeaders = await sessionHeaders(app, lead.actor);
    await api(app, "PUT", "/api/notification-preferences", { body: { ntfyTopic: "lee" }, headers: leadHeaders });
    const runId = (await callTool(app, dev.key, "start_run", { project: "shop", title: "Docs" })).structured.run_id;
    await callTool(app, dev.key, "report_files", { run_id: runId, action: "modified", paths: ["vendor/lib.js"] });
    await notifier.runOnce();
    expect(ntfy.received).toHaveLength(0);
    const prefs = await api(app, "PUT", "/api/notification-preferences", { body: { events: ["scope.violation"] }, headers: leadHeaders });
    expect(prefs.json.preferences).toMatchObject({ events: ["scope.violation"], ntfyTopic: "lee", available: { ntfy: true, email: false } });
    await callTool(app, dev.key, "report_files", { run_id: runId, action: "modified", paths: ["vendor/other.js"] });
    await notifier.runOnce();
    const [got] = await ntfy.waitFor(1);
    expect(got!.json).toMatchObject({ topic: "lee", title: 'Scope violation on "Docs"' });
    expect(got!.body).not.toContain("vendor/other.js");
  });

  test("a run that fails tells its owner; a checkpoint about to expire tells the deciders once, within the hour before", async () => {
    const mail = await smtp();
    await channel({ name: "Mail", kind: "email", host: "127.0.0.1", port: mail.port, security: "none", from: "r@example.test", personal: true, events: [] });
    const runId = (await callTool(app, dev.key, "start_run", { project: "shop", title: "Doomed" })).structured.run_id;
    await callTool(app, dev.key, "finish_run", { run_id: runId, outcome: "failed", summary: "gave up" });
    await notifier.runOnce();
    const [failed] = await mail.waitFor(1);
    expect(failed!.to).toEqual([(await app.store.read.users.byId(dev.userId))!.email]);
    expect(failed!.raw).toContain('Run failed: "Doomed"');
    mail.mails.length = 0;

    await gatedRun();
    await notifier.runOnce();
    await mail.waitFor(2);
    mail.mails.length = 0;
    app.clock.advance(22 * HOUR);
    await notifier.runOnce();
    expect(mail.mails).toHaveLength(0);
    app.clock.advance(HOUR + MINUTE);
    await notifier.runOnce();
    await mail.waitFor(2);
    expect(mail.mails.every((m) => m.raw.includes("Expires within the hour"))).toBe(true);
    app.clock.advance(2 * MINUTE);
    await notifier.runOnce();
    expect(mail.mails).toHaveLength(2);
  });
});

describe("delivery guarantees", () => {
  test("the outbox row commits with its event: a refused write leaves neither, a committed one both", async () => {
    await channel({ name: "hook", kind: "webhook", url: "http://127.0.0.1:9/x", secret: SECRET });
    const before = await app.store.read.notify.unexpanded(100);
    expect(before).toHaveLength(0);
    await gatedRun();
    const rows = await app.store.read.notify.unexpanded(100);
    expect(rows.map((r) => r.kind)).toEqual(["checkpoint.requested"]);
    const events = await app.store.read.audit.count();
    // A transaction that records the event and then throws commits neither.
    const { transact } = await import("../../src/core/transact.ts");
    await expect(transact(app.ctx(), async (_tx, record) => {
      await record({ type: "run.failed", runId: rows[0]!.runId, projectId: rows[0]!.projectId });
      throw new Error("boom");
    })).rejects.toThrow("boom");
    expect(await app.store.read.audit.count()).toBe(events);
    expect(await app.store.read.notify.unexpanded(100)).toHaveLength(1);
  });

  test("a sender that dies mid-attempt (lease held, nothing recorded) is retried after its lease with the same delivery id", async () => {
    const hook = await receiver({ secret: SECRET });
    await channel({ name: "hook", kind: "webhook", url: hook.url, secret: SECRET });
    await gatedRun();
    // Expand, then claim the delivery as a worker that is killed before it sends.
    const expandOnly = createNotifier(app.services, { concurrency: 0 });
    await expandOnly.runOnce();
    await expandOnly.stop();
    const [due] = await app.store.read.notify.dueDeliveries(app.clock.now(), 10);
    expect(await app.store.write((tx) => tx.notify.claimDelivery(due!.id, app.clock.now(), app.clock.now() + MINUTE))).toBe(true);
    await notifier.runOnce();
    expect(hook.received).toHaveLength(0);
    app.clock.advance(MINUTE);
    await notifier.runOnce();
    const [got] = await hook.waitFor(1);
    expect(got!.headers["x-railyard-delivery"]).toBe(due!.id);
    expect((await app.store.read.notify.delivery(due!.id))).toMatchObject({ status: "delivered", attempts: 2 });
  });

  test("slow receivers hold at most the concurrency cap and time out; tool calls answer meanwhile", async () => {
    const slow = await receiver({ hang: true });
    await channel({ name: "slow", kind: "webhook", url: slow.url, secret: SECRET });
    for (let i = 0; i < 4; i++) await gatedRun(`run ${i}`);
    const capped = createNotifier(app.services, { concurrency: 2, timeoutMs: 500 });
    cleanup.push(() => capped.stop());
    const pass = capped.runOnce();
    await slow.waitFor(2);
    expect(slow.open()).toBe(2);
    // The agent is not waiting on the receiver.
    const r = await callTool(app, dev.key, "get_run", {});
    expect(r.isError).toBe(false);
    await pass;
    expect(slow.received).toHaveLength(4);
    expect(slow.maxOpen()).toBe(2);
    const all = await app.store.read.notify.dueDeliveries(app.clock.now() + HOUR, 10);
    expect(all.map((d) => d.lastError)).toEqual(Array(4).fill("timed out after 1 s"));
  });

  test("no enabled channel: notifiable events write no outbox row", async () => {
    await gatedRun();
    expect(await app.store.read.notify.unexpanded(100)).toHaveLength(0);
  });
});

describe("the Test button", () => {
  test("Test on a webhook channel sends a signed sample message, under the delivery id the answer names, and Settings shows it delivered", async () => {
    const hook = await receiver({ secret: SECRET });
    const id = await channel({ name: "Ops hook", kind: "webhook", url: `${hook.url}/railyard`, secret: SECRET, events: ["run.failed"] });
    const queued = await api(app, "POST", `/api/channels/${id}/test`, { headers: owner });
    expect(queued.status).toBe(202);
    expect(queued.json.deliveryId).toMatch(/^dlv_/);
    // Queued, not sent in the request: the worker sends it.
    expect(hook.received).toHaveLength(0);
    await notifier.runOnce();
    const [got] = await hook.waitFor(1);
    expect(got!.path).toBe("/railyard");
    expect(got!.signatureValid).toBe(true);
    expect(got!.headers["x-railyard-event"]).toBe("channel.test");
    expect(got!.headers["x-railyard-delivery"]).toBe(queued.json.deliveryId);
    expect(got!.json).toMatchObject({ event: "channel.test", delivery_id: queued.json.deliveryId, project: null, run: null, checkpoint: null });
    expect(got!.json.url).toMatch(/\/settings$/);
    expect(got!.body).not.toContain(SECRET);
    expect((await deliveries(id)).deliveries).toEqual([expect.objectContaining({ id: queued.json.deliveryId, kind: "channel.test", status: "delivered", attempts: 1, lastError: null })]);
    const tested = (await eventsOf(app, { type: "channel.tested" })).map((e) => ({ subject: e.subject, meta: JSON.parse(e.meta) }));
    expect(tested).toEqual([{ subject: id, meta: { kind: "webhook", deliveryId: queued.json.deliveryId } }]);
  });

  test("Test on a personal-only email channel mails the person who pressed it; on a team email channel, the team recipients", async () => {
    const mail = await smtp();
    const personal = await channel({ name: "Personal mail", kind: "email", host: "127.0.0.1", port: mail.port, security: "none", from: "railyard@example.test", personal: true, events: [] });
    const team = await channel({ name: "Team mail", kind: "email", host: "127.0.0.1", port: mail.port, security: "none", from: "team-bot@example.test", to: ["ops@example.test", "oncall@example.test"] });
    const admin = await sessionHeaders(app, (await seedUser(app, "admin", "ada@example.test")).actor);
    const first = await api(app, "POST", `/api/channels/${personal}/test`, { headers: admin });
    expect(first.status).toBe(202);
    await notifier.runOnce();
    const [toAdmin] = await mail.waitFor(1);
    expect(toAdmin!.to).toEqual(["ada@example.test"]);
    expect(toAdmin!.from).toBe("railyard@example.test");
    expect(toAdmin!.raw).toContain(`X-Railyard-Delivery: ${first.json.deliveryId}`);
    expect(toAdmin!.raw).toContain("X-Railyard-Event: channel.test");
    expect(toAdmin!.raw).toContain("Test notification from Railyard");
    mail.mails.length = 0;

    const second = await api(app, "POST", `/api/channels/${team}/test`, { headers: owner });
    expect(second.status).toBe(202);
    await notifier.runOnce();
    const [toTeam] = await mail.waitFor(1);
    expect(toTeam!.to.sort()).toEqual(["oncall@example.test", "ops@example.test"]);
    expect(toTeam!.from).toBe("team-bot@example.test");
    expect(toTeam!.raw).toContain(`X-Railyard-Delivery: ${second.json.deliveryId}`);
    expect((await deliveries(team)).deliveries[0]).toMatchObject({ id: second.json.deliveryId, status: "delivered" });
  });

  test("Test on a channel whose receiver refuses: the delivery the answer names is shown failed with the receiver's status, and counted", async () => {
    const hook = await receiver({ secret: SECRET, answer: () => 404 });
    const id = await channel({ name: "Gone", kind: "webhook", url: hook.url, secret: SECRET });
    const queued = await api(app, "POST", `/api/channels/${id}/test`, { headers: owner });
    expect(queued.status).toBe(202);
    await notifier.runOnce();
    expect(hook.received).toHaveLength(1);
    const failed = await deliveries(id, "failed");
    expect(failed.total).toBe(1);
    expect(failed.deliveries[0]).toMatchObject({ id: queued.json.deliveryId, kind: "channel.test", status: "failed", attempts: 1, lastError: "HTTP 404", nextAttemptAt: null });
    const listed = (await api(app, "GET", "/api/channels", { headers: owner })).json.channels.find((c: any) => c.id === id);
    expect(listed.deliveries).toEqual({ pending: 0, delivered: 0, failed: 1 });
    // A 404 is an answer, not an outage: no retry, long after the first retry would have been due (1 s).
    app.clock.advance(MINUTE);
    await notifier.runOnce();
    expect(hook.received).toHaveLength(1);

    // An SMTP server that refuses the recipient: the failure carries its reply.
    const mail = await smtp({ rejectRcpt: true });
    const mailId = await channel({ name: "Refusing mail", kind: "email", host: "127.0.0.1", port: mail.port, security: "none", from: "r@example.test", to: ["nobody@example.test"] });
    const mailed = await api(app, "POST", `/api/channels/${mailId}/test`, { headers: owner });
    expect(mailed.status).toBe(202);
    await notifier.runOnce();
    expect(mail.mails).toHaveLength(0);
    const [mailFailure] = (await deliveries(mailId, "failed")).deliveries;
    expect(mailFailure).toMatchObject({ id: mailed.json.deliveryId, status: "failed", attempts: 1 });
    expect(mailFailure.lastError).toMatch(/^SMTP 550\b.*mailbox unavailable/);
  });

  test("a lead, a developer and an auditor cannot press Test: refused, nothing queued, nothing sent, no channel.tested event", async () => {
    const hook = await receiver({ secret: SECRET });
    const id = await channel({ name: "Ops hook", kind: "webhook", url: hook.url, secret: SECRET });
    const refused = [await sessionHeaders(app, lead.actor), await sessionHeaders(app, dev.human), await sessionHeaders(app, (await seedUser(app, "auditor")).actor)];
    for (const headers of refused) {
      const res = await api(app, "POST", `/api/channels/${id}/test`, { headers });
      expect(res.status).toBe(403);
      expect(res.json.error.message).toContain("owner or an admin");
      expect(res.json.deliveryId).toBeUndefined();
    }
    // Without a session at all: not signed in.
    expect((await api(app, "POST", `/api/channels/${id}/test`)).status).toBe(401);
    await notifier.runOnce();
    expect(hook.received).toHaveLength(0);
    expect((await deliveries(id)).total).toBe(0);
    expect(await eventsOf(app, { type: "channel.tested" })).toHaveLength(0);
    // The same channel tested by the owner does send: the refusal was the role, not the channel.
    expect((await api(app, "POST", `/api/channels/${id}/test`, { headers: owner })).status).toBe(202);
    await notifier.runOnce();
    expect(await hook.waitFor(1)).toHaveLength(1);
  });
});

describe("blocked runs and project filters", () => {
  test("a rejected checkpoint blocks the run and tells its owner: 'Run blocked' by personal email to the owner only, and to a team channel subscribed to run.blocked", async () => {
    const mail = await smtp();
    await channel({ name: "Mail", kind: "email", host: "127.0.0.1", port: mail.port, security: "none", from: "r@example.test", personal: true, events: [] });
    const hook = await receiver({ secret: SECRET });
    const hookId = await channel({ name: "Blocked runs", kind: "webhook", url: hook.url, secret: SECRET, events: ["run.blocked"] });
    // The owner wants to hear about blocked runs only (not the decision itself).
    const ownerHeaders = await sessionHeaders(app, dev.human);
    expect((await api(app, "PUT", "/api/notification-preferences", { body: { events: ["run.blocked"] }, headers: ownerHeaders })).status).toBe(200);
    const { runId, checkpointId } = await gatedRun("Risky refactor");
    await notifier.runOnce();
    // The request went to the deciders; nothing is blocked yet.
    await mail.waitFor(2);
    expect(hook.received).toHaveLength(0);
    mail.mails.length = 0;

    const rejected = await api(app, "POST", `/api/checkpoints/${checkpointId}/reject`, { body: { reason: "REJECTION-REASON-TEXT" }, headers: await sessionHeaders(app, lead.actor) });
    expect(rejected.status).toBe(200);
    expect(rejected.json.checkpoint).toMatchObject({ id: checkpointId, status: "rejected", runStatus: "blocked" });
    await notifier.runOnce();
    const [toOwner] = await mail.waitFor(1);
    await Bun.sleep(50);
    expect(mail.mails).toHaveLength(1);
    const devEmail = (await app.store.read.users.byId(dev.userId))!.email;
    expect(toOwner!.to).toEqual([devEmail]);
    expect(toOwner!.raw).toContain("X-Railyard-Event: run.blocked");
    expect(toOwner!.raw).toContain('Run blocked: "Risky refactor"');
    expect(toOwner!.raw).toContain("(checkpoint_rejected)");
    expect(toOwner!.raw).toContain(`${BASE}/runs/${runId}?checkpoint=${checkpointId}`);
    expect(toOwner!.raw).not.toContain("REJECTION-REASON-TEXT");
    const [got] = await hook.waitFor(1);
    expect(hook.received).toHaveLength(1);
    expect(got!.signatureValid).toBe(true);
    expect(got!.json).toMatchObject({ event: "run.blocked", run: { id: runId, title: "Risky refactor" }, project: { slug: "shop" } });
    expect(got!.body).not.toContain("REJECTION-REASON-TEXT");
    expect((await deliveries(hookId)).deliveries.map((d: any) => d.kind)).toEqual(["run.blocked"]);
  });

  test("a team channel limited to one project gets that project's events only; an unfiltered channel gets every project's", async () => {
    await createProject({ ctx: app.ctx(), input: { slug: "billing", name: "Billing", remoteUrl: "https://git.example.test/billing.git" } });
    const shopOnly = await receiver({ secret: SECRET });
    const everywhere = await receiver({ secret: SECRET });
    const shopId = await channel({ name: "Shop only", kind: "webhook", url: shopOnly.url, secret: SECRET, projects: ["shop"] });
    const allId = await channel({ name: "Everything", kind: "webhook", url: everywhere.url, secret: SECRET });
    const fail = async (project: string, title: string) => {
      const runId = (await callTool(app, dev.key, "start_run", { project, title })).structured.run_id;
      expect((await callTool(app, dev.key, "finish_run", { run_id: runId, outcome: "failed", summary: "gave up" })).isError).toBe(false);
      return runId;
    };
    const billingRun = await fail("billing", "Billing run");
    await notifier.runOnce();
    const [other] = await everywhere.waitFor(1);
    expect(other!.json).toMatchObject({ event: "run.failed", project: { slug: "billing" }, run: { id: billingRun } });
    expect(shopOnly.received).toHaveLength(0);
    expect((await deliveries(shopId)).total).toBe(0);

    const shopRun = await fail("shop", "Shop run");
    await notifier.runOnce();
    const [mine] = await shopOnly.waitFor(1);
    expect(mine!.json).toMatchObject({ event: "run.failed", project: { slug: "shop" }, run: { id: shopRun } });
    await everywhere.waitFor(2);
    expect(shopOnly.received).toHaveLength(1);
    expect((await deliveries(shopId)).total).toBe(1);
    expect((await deliveries(allId)).total).toBe(2);
  });
});

describe("email over TLS", () => {
  const SMTP_USER = "railyard-mailer";
  const SMTP_PASSWORD = "smtp-password-secret-123";
  // A private CA and a certificate for 127.0.0.1 signed by it; this process does not trust that CA.
  // Also a certificate from that CA for another address only (10.9.9.9, mail.example.test).
  let pki: Promise<{ caFile: string; key: string; cert: string; otherKey: string; otherCert: string }> | null = null;
  const testPki = () => (pki ??= (async () => {
    const dir = mkdtempSync(join(tmpdir(), "railyard-smtp-tls-"));
    const { caFile, certFile, keyFile } = await makeTestCa(dir);
    writeFileSync(join(dir, "other.cnf"), "subjectAltName=IP:10.9.9.9,DNS:mail.example.test\n");
    for (const argv of [
      ["openssl", "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", "other.key", "-out", "other.csr", "-subj", "/CN=mail.example.test"],
      ["openssl", "x509", "-req", "-in", "other.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out", "other.pem", "-days", "2", "-extfile", "other.cnf"],
    ]) {
      const proc = Bun.spawn(argv, { cwd: dir, stdout: "ignore", stderr: "pipe" });
      if ((await proc.exited) !== 0) throw new Error(`${argv.slice(0, 2).join(" ")}: ${await new Response(proc.stderr).text()}`);
    }
    return { caFile, key: readFileSync(keyFile, "utf8"), cert: readFileSync(certFile, "utf8"), otherKey: readFileSync(join(dir, "other.key"), "utf8"), otherCert: readFileSync(join(dir, "other.pem"), "utf8") };
  })());
  /** Sends one sample message through the product's sender in a child process that trusts the test CA. */
  const sendTrustingCa = async (caFile: string, port: number, security: "starttls" | "tls") => {
    const child = Bun.spawn([process.execPath, join(import.meta.dir, "smtp-tls-child.ts"), JSON.stringify({ host: "127.0.0.1", port, security, username: SMTP_USER, password: SMTP_PASSWORD })], {
      env: { ...process.env, NODE_EXTRA_CA_CERTS: caFile }, stdout: "pipe", stderr: "pipe",
    });
    const [out, err, code] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited]);
    expect({ code, err: code === 0 ? "" : err }).toEqual({ code: 0, err: "" });
    return JSON.parse(out);
  };
  const mailChannel = (port: number, security: "starttls" | "tls") =>
    channel({ name: `Mail ${security}`, kind: "email", host: "127.0.0.1", port, security, username: SMTP_USER, password: SMTP_PASSWORD, from: "r@example.test", to: ["ops@example.test"] });

  test("STARTTLS and implicit TLS to a server whose certificate is not trusted send nothing: no mail, no login, the failure shown", async () => {
    const { key, cert } = await testPki();
    for (const security of ["starttls", "tls"] as const) {
      const mail = await smtp({ user: SMTP_USER, password: SMTP_PASSWORD, tls: { key, cert }, implicitTls: security === "tls" });
      const id = await mailChannel(mail.port, security);
      const queued = await api(app, "POST", `/api/channels/${id}/test`, { headers: owner });
      expect(queued.status).toBe(202);
      await notifier.runOnce();
      expect(mail.mails).toHaveLength(0);
      expect(mail.authAttempts).toEqual([]);
      expect(mail.secured()).toBe(0);
      const [row] = (await deliveries(id)).deliveries;
      expect(row).toMatchObject({ id: queued.json.deliveryId, status: "pending", attempts: 1, deliveredAt: null });
      expect(row.lastError).toMatch(/^SMTP connection failed \(/);
      expect(JSON.stringify(row)).not.toContain(SMTP_PASSWORD);
    }
  });

  test("a channel set to STARTTLS never falls back to plain text: a server without STARTTLS gets no mail and never sees the password", async () => {
    const plain = await smtp({ user: SMTP_USER, password: SMTP_PASSWORD });
    const id = await mailChannel(plain.port, "starttls");
    const queued = await api(app, "POST", `/api/channels/${id}/test`, { headers: owner });
    await notifier.runOnce();
    expect(plain.mails).toHaveLength(0);
    expect(plain.authAttempts).toEqual([]);
    const [row] = (await deliveries(id)).deliveries;
    expect(row).toMatchObject({ id: queued.json.deliveryId, attempts: 1, deliveredAt: null });
    expect(row.lastError).toMatch(/^SMTP/);
    expect(JSON.stringify(row)).not.toContain(SMTP_PASSWORD);
  });

  test("with the CA trusted process-wide (NODE_EXTRA_CA_CERTS), STARTTLS and implicit TLS to an IP address deliver over TLS and log in", async () => {
    const { caFile, key, cert } = await testPki();
    for (const security of ["starttls", "tls"] as const) {
      const mail = await smtp({ user: SMTP_USER, password: SMTP_PASSWORD, tls: { key, cert }, implicitTls: security === "tls" });
      expect(await sendTrustingCa(caFile, mail.port, security)).toEqual({ ok: true });
      const [got] = await mail.waitFor(1);
      expect(got!.to).toEqual(["ops@example.test"]);
      expect(got!.user).toBe(SMTP_USER);
      expect(got!.raw).toContain("Test notification from Railyard");
      expect(mail.secured()).toBe(1);
    }
  });

  test("a certificate from the trusted CA but for another address is refused: no mail, no login", async () => {
    const { caFile, otherKey, otherCert } = await testPki();
    for (const security of ["starttls", "tls"] as const) {
      const mail = await smtp({ user: SMTP_USER, password: SMTP_PASSWORD, tls: { key: otherKey, cert: otherCert }, implicitTls: security === "tls" });
      const outcome = await sendTrustingCa(caFile, mail.port, security);
      expect(outcome).toMatchObject({ ok: false, retry: true });
      expect(outcome.error).toMatch(/^SMTP connection failed \(/);
      expect(outcome.error).not.toContain(SMTP_PASSWORD);
      expect(mail.mails).toHaveLength(0);
      expect(mail.authAttempts).toEqual([]);
    }
  });
});
