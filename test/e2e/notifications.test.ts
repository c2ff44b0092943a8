// Notifications through the real server process: an agent's gated advance_phase reaches the lead's
// webhook and email within 2 s with the right link, and a delivery pending when the process is
// killed with SIGKILL arrives after the restart under the same delivery id.
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { httpReceiver, smtpReceiver } from "../notify/receivers.ts";

const main = join(import.meta.dir, "../../src/main.ts");
const PASSWORD = "a-long-synthetic-passphrase";
const SECRET = "an-e2e-webhook-signing-secret";
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function cli(cwd: string, args: string[], stdin?: string): string {
  const r = Bun.spawnSync([process.execPath, main, ...args], { cwd, stdin: stdin === undefined ? undefined : new Blob([stdin]), env: { PATH: process.env.PATH ?? "" } });
  if (r.exitCode !== 0) throw new Error(`${args.join(" ")}: ${r.stderr.toString()}`);
  return r.stdout.toString().trim();
}

async function start(cwd: string) {
  const proc = Bun.spawn([process.execPath, main, "serve", "--port", "0"], { cwd, stdout: "pipe", stderr: "pipe", env: { PATH: process.env.PATH ?? "" } });
  const reader = proc.stdout.getReader();
  let out = "";
  while (!/"url":"(http[^"]+)"/.test(out)) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`server exited early: ${out}`);
    out += new TextDecoder().decode(value);
  }
  void (async () => {
    while (!(await reader.read()).done);
  })();
  return { proc, url: /"url":"(http[^"]+)"/.exec(out)![1]! };
}

async function session(url: string, email: string): Promise<Record<string, string>> {
  const res = await fetch(`${url}/api/auth/login`, { method: "POST", headers: { "content-type": "application/json", origin: url }, body: JSON.stringify({ email, password: PASSWORD }) });
  expect(res.status).toBe(200);
  return { cookie: res.headers.get("set-cookie")!.split(";")[0]!, origin: url, "content-type": "application/json" };
}

async function mcp(url: string, key: string, name: string, args: Record<string, unknown>): Promise<any> {
  const res = await fetch(`${url}/mcp`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json", accept: "application/json, text/event-stream", "mcp-protocol-version": "2025-11-25" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/call", params: { name, arguments: args } }),
  });
  const text = await res.text();
  const data = text.startsWith("{") ? text : text.split("\n").filter((l) => l.startsWith("data:")).map((l) => l.slice(5).trim()).join("");
  const result = JSON.parse(data).result;
  if (result?.isError) throw new Error(`${name}: ${result.content?.[0]?.text}`);
  return result.structuredContent;
}

/** A data dir with an owner, a lead and a developer's plugin key. */
function seed(): { dir: string; key: string } {
  const dir = mkdtempSync(join(tmpdir(), "railyard-e2e-notify-"));
  dirs.push(dir);
  cli(dir, ["users", "create", "--email", "owner@example.test", "--role", "owner", "--password-stdin"], PASSWORD);
  cli(dir, ["users", "create", "--email", "lead@example.test", "--role", "lead", "--name", "Lee", "--password-stdin"], PASSWORD);
  cli(dir, ["users", "create", "--email", "dev@example.test", "--role", "developer", "--name", "Dev", "--password-stdin"], PASSWORD);
  const key = /ryd_[A-Za-z0-9_]+/.exec(cli(dir, ["keys", "create", "--email", "dev@example.test", "--name", "agent"]))![0];
  return { dir, key };
}

describe("notifications through the real server", () => {
  test("an agent's gated advance_phase: the lead's webhook and email arrive within 2 s, linking to the checkpoint", async () => {
    const { dir, key } = seed();
    const hook = httpReceiver({ secret: SECRET });
    const mail = await smtpReceiver();
    const server = await start(dir);
    try {
      const owner = await session(server.url, "owner@example.test");
      const post = (path: string, body: unknown) => fetch(`${server.url}${path}`, { method: "POST", headers: owner, body: JSON.stringify(body) });
      expect((await post("/api/projects", { slug: "shop", name: "Shop" })).status).toBe(201);
      expect((await post("/api/channels", { name: "Leads hook", kind: "webhook", url: hook.url, secret: SECRET, allowPrivateNetwork: true, events: ["checkpoint.requested"] })).status).toBe(201);
      expect((await post("/api/channels", { name: "Mail", kind: "email", host: "127.0.0.1", port: mail.port, security: "none", from: "railyard@example.test", personal: true, events: [], allowPrivateNetwork: true })).status).toBe(201);

      const run = (await mcp(server.url, key, "start_run", { project: "shop", title: "Add invoices" })).run_id;
      await mcp(server.url, key, "advance_phase", { run_id: run, phase: "build" });
      await mcp(server.url, key, "advance_phase", { run_id: run, phase: "test" });
      await mcp(server.url, key, "report_build", { run_id: run, kind: "test", exit_code: 0, duration_ms: 5 });
      const asked = performance.now();
      const gated = await mcp(server.url, key, "advance_phase", { run_id: run, phase: "review" });
      expect(gated.status).toBe("awaiting_approval");
      const link = `${server.url}/approvals?checkpoint=${gated.checkpoint_id}`;
      const [webhook] = await hook.waitFor(1, 2000);
      const toLead = async () => {
        for (;;) {
          const m = mail.mails.find((x) => x.to.includes("lead@example.test"));
          if (m) return m;
          if (performance.now() - asked > 2000) throw new Error("no email for the lead within 2 s");
          await Bun.sleep(10);
        }
      };
      const leadMail = await toLead();
      const elapsed = performance.now() - asked;
      console.error(`e2e notifications: webhook and lead's email ${Math.round(elapsed)} ms after advance_phase answered`);
      expect(elapsed).toBeLessThan(2000);
      expect(webhook!.signatureValid).toBe(true);
      expect(webhook!.json.url).toBe(link);
      expect(leadMail.raw).toContain(link);
      // The run's owner (the developer) is not asked to decide their own checkpoint.
      await Bun.sleep(200);
      expect(mail.mails.some((m) => m.to.includes("dev@example.test"))).toBe(false);
    } finally {
      server.proc.kill("SIGTERM");
      await server.proc.exited;
      await hook.stop();
      await mail.stop();
    }
  }, 30_000);

  test("kill -9 loses no pending delivery: it arrives after the restart with the same delivery id", async () => {
    const { dir, key } = seed();
    // A port with nothing listening yet: the first attempt is refused and the delivery waits for its retry.
    const probe = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response("") });
    const port = probe.port;
    await probe.stop(true);
    let server = await start(dir);
    let channelId = "";
    let owner: Record<string, string> = {};
    try {
      owner = await session(server.url, "owner@example.test");
      const post = (path: string, body: unknown) => fetch(`${server.url}${path}`, { method: "POST", headers: owner, body: JSON.stringify(body) });
      expect((await post("/api/projects", { slug: "shop", name: "Shop" })).status).toBe(201);
      const created = await post("/api/channels", { name: "Down", kind: "webhook", url: `http://127.0.0.1:${port}/hook`, secret: SECRET, allowPrivateNetwork: true });
      channelId = (await created.json()).channel.id;
      const run = (await mcp(server.url, key, "start_run", { project: "shop", title: "Survive" })).run_id;
      await mcp(server.url, key, "request_approval", { run_id: run, reason: "release", summary: "ship it" });
      let pending: any = null;
      for (let i = 0; i < 100 && !pending; i++) {
        const list = await (await fetch(`${server.url}/api/channels/${channelId}/deliveries`, { headers: owner })).json();
        pending = list.deliveries.find((d: any) => d.status === "pending" && d.attempts === 1 && d.lastError);
        if (!pending) await Bun.sleep(50);
      }
      expect(pending.lastError).toMatch(/connection failed/);
      server.proc.kill("SIGKILL");
      await server.proc.exited;
      const hook = httpReceiver({ secret: SECRET, answer: () => 200 });
      const revived = Bun.serve({ hostname: "127.0.0.1", port, fetch: (req) => fetch(`${hook.url}${new URL(req.url).pathname}`, { method: "POST", headers: req.headers, body: req.body }) });
      try {
        server = await start(dir);
        const [got] = await hook.waitFor(1, 10_000);
        expect(got!.headers["x-railyard-delivery"]).toBe(pending.id);
        expect(got!.signatureValid).toBe(true);
        owner = await session(server.url, "owner@example.test");
        let row: any = null;
        for (let i = 0; i < 50 && row?.status !== "delivered"; i++) {
          row = (await (await fetch(`${server.url}/api/channels/${channelId}/deliveries`, { headers: owner })).json()).deliveries.find((d: any) => d.id === pending.id);
          if (row?.status !== "delivered") await Bun.sleep(50);
        }
        expect(row).toMatchObject({ status: "delivered", attempts: 2 });
      } finally {
        await revived.stop(true);
        await hook.stop();
      }
    } finally {
      server.proc.kill("SIGTERM");
      await server.proc.exited;
    }
  }, 40_000);
});
