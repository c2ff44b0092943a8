// The channel API: owner and admin configure channels, secrets are write-only and sealed at rest,
// loopback and link-local destinations need the owner's flag, bad input changes nothing.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { openSecrets } from "../../src/core/notify/channel-config.ts";
import { isLocalHostName, isLoopbackOrLinkLocal } from "../../src/lib/net-address.ts";
import { deriveKey, seal, unseal } from "../../src/lib/seal.ts";
import { DestinationRefused, resolveDestination } from "../../src/notify/destination.ts";
import { createTestApp, type TestApp } from "../support/app.ts";
import { api } from "../support/http.ts";
import { seedCanaryProject } from "../support/projects.ts";
import { eventsOf } from "../support/runs.ts";
import { signedInAs } from "../support/session-cookie.ts";

let app: TestApp;
let owner: Record<string, string>;
let admin: Record<string, string>;
let lead: Record<string, string>;
beforeAll(async () => {
  app = await createTestApp({}, { notifier: false });
  await seedCanaryProject(app);
  owner = (await signedInAs(app, "owner")).headers;
  admin = (await signedInAs(app, "admin")).headers;
  lead = (await signedInAs(app, "lead")).headers;
});
afterAll(() => app.dispose());

const SECRETS = {
  webhook: "whsec-very-secret-signing-key-123",
  slack: "https://hooks.slack.example.test/services/T0001/B0001/SlackSecretToken123",
  teams: "https://prod.teams.example.test/workflows/abc/triggers/manual/paths/invoke?sig=TeamsSig123",
  ntfy: "tk_ntfy_secret_token_123",
  smtp: "smtp-password-secret-123",
};
const bodies: Record<string, Record<string, unknown>> = {
  webhook: { name: "Hook", kind: "webhook", url: "https://hooks.example.test/railyard", secret: SECRETS.webhook },
  slack: { name: "Slack", kind: "slack", url: SECRETS.slack },
  teams: { name: "Teams", kind: "teams", url: SECRETS.teams },
  ntfy: { name: "ntfy", kind: "ntfy", url: "https://ntfy.example.test/railyard", token: SECRETS.ntfy, personal: true },
  email: { name: "Mail", kind: "email", host: "smtp.example.test", port: 587, security: "starttls", username: "railyard", password: SECRETS.smtp, from: "railyard@example.test", to: ["team@example.test"], personal: true },
};

describe("channels API", () => {
  test("owner and admin create every kind; no secret comes back in any answer, list or audit event", async () => {
    const ids: string[] = [];
    for (const [kind, body] of Object.entries(bodies)) {
      const res = await api(app, "POST", "/api/channels", { body, headers: kind === "email" ? admin : owner });
      expect(res.status).toBe(201);
      expect(res.json.channel).toMatchObject({ kind, enabled: true, secretSet: true, events: ["checkpoint.requested", "checkpoint.decided", "checkpoint.expiring", "run.failed", "run.blocked", "budget.threshold", "runbook.proposal"] });
      ids.push(res.json.channel.id);
      for (const secret of Object.values(SECRETS)) expect(res.text).not.toContain(secret);
    }
    const list = await api(app, "GET", "/api/channels", { headers: admin });
    expect(list.json.total).toBe(5);
    expect(list.json.channels.map((c: any) => c.destination).sort()).toEqual([
      "https://hooks.example.test/railyard", "https://hooks.slack.example.test/…", "https://ntfy.example.test/railyard", "https://prod.teams.example.test/…", "smtp://smtp.example.test:587 (STARTTLS)",
    ]);
    const trail = JSON.stringify(await eventsOf(app, { type: "channel.created" }));
    for (const secret of [...Object.values(SECRETS), "SlackSecretToken123", "TeamsSig123"]) {
      expect(list.text).not.toContain(secret);
      expect(trail).not.toContain(secret);
    }
    // At rest: sealed (no plaintext in the row), and it opens with the data dir's key.
    const row = (await app.store.read.notify.channel(ids[0]!))!;
    expect(row.secretSealed).not.toContain(SECRETS.webhook);
    expect(JSON.stringify(row)).not.toContain(SECRETS.webhook);
    expect(openSecrets(app.services.auditKey, row.id, row.secretSealed)).toEqual({ secret: SECRETS.webhook });
  });

  test("PATCH keeps a secret that is not sent, replaces one that is, and records field names only", async () => {
    const created = await api(app, "POST", "/api/channels", { body: { ...bodies.webhook, name: "Patchable" }, headers: owner });
    const id = created.json.channel.id;
    const renamed = await api(app, "PATCH", `/api/channels/${id}`, { body: { name: "Renamed", events: ["run.failed"], projects: ["shop"] }, headers: admin });
    expect(renamed.status).toBe(200);
    expect(renamed.json.channel).toMatchObject({ name: "Renamed", events: ["run.failed"], projects: ["shop"], secretSet: true });
    let row = (await app.store.read.notify.channel(id))!;
    expect(openSecrets(app.services.auditKey, id, row.secretSealed).secret).toBe(SECRETS.webhook);
    await api(app, "PATCH", `/api/channels/${id}`, { body: { secret: "a-new-signing-secret-456789" }, headers: admin });
    row = (await app.store.read.notify.channel(id))!;
    expect(openSecrets(app.services.auditKey, id, row.secretSealed).secret).toBe("a-new-signing-secret-456789");
    const changed = (await eventsOf(app, { type: "channel.changed" })).map((e) => JSON.parse(e.meta));
    expect(changed.at(-1)).toMatchObject({ fields: ["secret"], secretChanged: true });
    expect(JSON.stringify(changed)).not.toContain("a-new-signing-secret-456789");
  });

  test("a loopback or link-local destination needs the owner's flag: refused without it, and an admin cannot set it", async () => {
    const before = (await api(app, "GET", "/api/channels", { headers: owner })).json.total;
    for (const url of ["http://127.0.0.1:9000/x", "http://localhost:9000/x", "http://[::1]:9000/x", "http://169.254.169.254/latest/meta-data", "http://[::ffff:127.0.0.1]/x"]) {
      const res = await api(app, "POST", "/api/channels", { body: { name: "Local", kind: "webhook", url, secret: SECRETS.webhook }, headers: owner });
      expect(res.status).toBe(400);
      expect(res.json.error.message).toContain("allowPrivateNetwork");
      expect(res.text).not.toContain(SECRETS.webhook);
    }
    const byAdmin = await api(app, "POST", "/api/channels", { body: { name: "Local", kind: "webhook", url: "http://127.0.0.1:9000/x", secret: SECRETS.webhook, allowPrivateNetwork: true }, headers: admin });
    expect(byAdmin.status).toBe(403);
    expect((await api(app, "GET", "/api/channels", { headers: owner })).json.total).toBe(before);
    const byOwner = await api(app, "POST", "/api/channels", { body: { name: "Local", kind: "webhook", url: "http://127.0.0.1:9000/x", secret: SECRETS.webhook, allowPrivateNetwork: true }, headers: owner });
    expect(byOwner.status).toBe(201);
    const id = byOwner.json.channel.id;
    // The admin may neither move it elsewhere nor lift or delete it.
    expect((await api(app, "PATCH", `/api/channels/${id}`, { body: { url: "http://127.0.0.1:9001/y" }, headers: admin })).status).toBe(403);
    expect((await api(app, "PATCH", `/api/channels/${id}`, { body: { allowPrivateNetwork: false }, headers: admin })).status).toBe(403);
    expect((await api(app, "DELETE", `/api/channels/${id}`, { headers: admin })).status).toBe(403);
    expect((await api(app, "PATCH", `/api/channels/${id}`, { body: { name: "Still local" }, headers: admin })).status).toBe(200);
    expect((await api(app, "DELETE", `/api/channels/${id}`, { headers: owner })).status).toBe(200);
    expect((await api(app, "GET", `/api/channels/${id}/deliveries`, { headers: owner })).status).toBe(404);
  });

  test("bad input: a clear error naming the field, nothing stored, no secret echoed", async () => {
    const before = (await api(app, "GET", "/api/channels", { headers: owner })).json.total;
    const cases: [Record<string, unknown>, string][] = [
      [{ name: "x", kind: "webhook", url: "https://h.example.test", secret: "short" }, "secret"],
      [{ name: "x", kind: "webhook", url: "ftp://h.example.test", secret: SECRETS.webhook }, "url"],
      [{ name: "x", kind: "webhook", url: "https://user:pw@h.example.test", secret: SECRETS.webhook }, "url"],
      [{ name: "x", kind: "slack", url: SECRETS.slack, secret: SECRETS.webhook }, "secret"],
      [{ name: "x", kind: "email", host: "smtp.example.test", security: "none", username: "u", password: SECRETS.smtp, from: "a@example.test", to: ["b@example.test"] }, "security"],
      [{ name: "x", kind: "email", host: "smtp.example.test", from: "a@example.test" }, "to"],
      [{ name: "x", kind: "ntfy", url: "https://ntfy.example.test/" }, "url"],
      [{ name: "x", kind: "pigeon" }, "kind"],
      [{ name: "x", kind: "webhook", url: "https://h.example.test", secret: SECRETS.webhook, bogus: 1 }, "bogus"],
      [{ name: "x", kind: "webhook", url: "https://h.example.test", secret: SECRETS.webhook, projects: ["nope"] }, "project"],
    ];
    for (const [body, field] of cases) {
      const res = await api(app, "POST", "/api/channels", { body, headers: owner });
      expect([400, 404]).toContain(res.status);
      expect(res.json.error.message).toContain(field);
      for (const secret of Object.values(SECRETS)) expect(res.text).not.toContain(secret);
    }
    expect((await api(app, "GET", "/api/channels", { headers: owner })).json.total).toBe(before);
  });

  test("leads and everyone below cannot see or change channels; everyone manages their own preferences", async () => {
    expect((await api(app, "GET", "/api/channels", { headers: lead })).status).toBe(403);
    expect((await api(app, "POST", "/api/channels", { body: bodies.webhook, headers: lead })).status).toBe(403);
    const prefs = await api(app, "PUT", "/api/notification-preferences", { body: { events: ["checkpoint.requested"], email: false }, headers: lead });
    expect(prefs.status).toBe(200);
    expect(prefs.json.preferences).toMatchObject({ events: ["checkpoint.requested"], email: false, ntfyTopic: null });
    expect((await api(app, "GET", "/api/notification-preferences", { headers: lead })).json.preferences.events).toEqual(["checkpoint.requested"]);
    const bad = await api(app, "PUT", "/api/notification-preferences", { body: { ntfyTopic: "../etc" }, headers: lead });
    expect(bad.status).toBe(400);
    expect(bad.json.error.message).toContain("ntfyTopic");
  });
});

describe("destinations and sealing", () => {
  test("loopback, link-local and unspecified addresses are recognised in every spelling; private LAN addresses are not", () => {
    for (const a of ["127.0.0.1", "127.8.9.10", "0.0.0.0", "169.254.169.254", "::1", "::", "fe80::1", "FE80::abcd%eth0", "::ffff:127.0.0.1", "0:0:0:0:0:0:0:1", "[::1]"]) expect(isLoopbackOrLinkLocal(a)).toBe(true);
    for (const a of ["10.0.0.5", "192.168.1.20", "172.16.0.1", "8.8.8.8", "fd00::1", "2001:db8::1", "::ffff:10.0.0.1"]) expect(isLoopbackOrLinkLocal(a)).toBe(false);
    expect(isLocalHostName("localhost")).toBe(true);
    expect(isLocalHostName("api.localhost.")).toBe(true);
    expect(isLocalHostName("mattermost.corp.example")).toBe(false);
  });

  test("a host name that resolves to loopback is refused at send time unless the owner allowed it", async () => {
    await expect(resolveDestination("localhost", false)).rejects.toBeInstanceOf(DestinationRefused);
    expect(await resolveDestination("localhost", true)).toMatch(/^(127\.|::1)/);
    expect(await resolveDestination("10.1.2.3", false)).toBe("10.1.2.3");
  });

  test("a sealed secret opens only with its key and its row's id", () => {
    const key = deriveKey(new Uint8Array(32).fill(7), "notification-channel-secrets/v1");
    const sealed = seal(key, "hunter2-secret", "chn_a");
    expect(sealed).not.toContain("hunter2");
    expect(unseal(key, sealed, "chn_a")).toBe("hunter2-secret");
    expect(() => unseal(key, sealed, "chn_b")).toThrow();
    expect(() => unseal(deriveKey(new Uint8Array(32).fill(8), "notification-channel-secrets/v1"), sealed, "chn_a")).toThrow();
    expect(() => unseal(deriveKey(new Uint8Array(32).fill(7), "another-purpose"), sealed, "chn_a")).toThrow();
  });
});
