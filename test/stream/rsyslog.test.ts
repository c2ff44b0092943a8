// Audit streaming to Debian's rsyslog on loopback: a private rsyslogd receives RFC 5424 over plain
// TCP and over TLS (a CA generated for the test), writing each message as one line; every line is
// checked against the trail. Then a kill -9 of Railyard in the middle of a backlog and a receiver
// restart: afterwards every event has arrived and seq has no gap (duplicates allowed and counted).
import { Database } from "bun:sqlite";
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { transact } from "../../src/core/transact.ts";
import { DATABASE_FILE } from "../../src/db/client.ts";
import { rawDatabase } from "../support/audit.ts";
import { createTestApp, type TestApp } from "../support/app.ts";
import { api } from "../support/http.ts";
import { signedInAs } from "../support/session-cookie.ts";
import { eventually, makeTestCa, parseSyslogLine, startRsyslog, type Rsyslog } from "./receivers.ts";

const root = join(import.meta.dir, "..", "..");
let rsyslog: Rsyslog;
beforeAll(async () => {
  rsyslog = await startRsyslog();
});
afterAll(async () => rsyslog?.dispose());

async function appendEvents(app: TestApp, n: number): Promise<void> {
  for (let done = 0; done < n; done += 1000) {
    await transact(app.ctx(), async (_tx, record) => {
      for (let i = done; i < Math.min(n, done + 1000); i++) await record({ type: "settings.changed", meta: { keys: ["retentionDays"], i } });
    });
  }
}

/** The seqs of the whole messages in `lines`, and how many lines were not whole messages. */
function seqsOf(lines: readonly string[]): { seqs: number[]; partial: number } {
  const seqs: number[] = [];
  let partial = 0;
  for (const line of lines) {
    const parsed = parseSyslogLine(line);
    if (parsed) seqs.push(Number(parsed.sd.seq));
    else partial++;
  }
  return { seqs, partial };
}

describe("syslog to rsyslog over TCP and TLS", () => {
  test("every event arrives as one RFC 5424 line per event, in order, with the structured data of the stored event", async () => {
    const app = await createTestApp({}, { streamWorker: { pollMs: 20, batchSize: 50 } });
    try {
      const owner = await signedInAs(app, "owner");
      await appendEvents(app, 120);
      const tcp = await api(app, "POST", "/api/audit-streams", { body: { name: "rsyslog tcp", url: `tcp://127.0.0.1:${rsyslog.tcpPort}` }, headers: owner.headers });
      const tls = await api(app, "POST", "/api/audit-streams", { body: { name: "rsyslog tls", url: `tls://127.0.0.1:${rsyslog.tlsPort}`, caPem: readFileSync(rsyslog.caFile, "utf8") }, headers: owner.headers });
      expect([tcp.status, tls.status]).toEqual([201, 201]);
      const head = async () => (await app.store.read.audit.head())!.seq;
      await eventually(async () => {
        const rows = await app.store.read.streams.all();
        const h = await head();
        return rows.every((r) => r.ackedSeq === h) && rsyslog.lines("tcp").length >= h && rsyslog.lines("tls").length >= h;
      }, 15_000, "both destinations to catch up");
      const stored = await app.store.read.audit.batch({ afterSeq: 0, upToSeq: null, since: null, limit: 10_000 });
      for (const input of ["tcp", "tls"] as const) {
        const lines = rsyslog.lines(input);
        expect(lines.length).toBe(stored.length);
        lines.forEach((line, i) => {
          const parsed = parseSyslogLine(line);
          const event = stored[i]!;
          expect(parsed).not.toBeNull();
          expect(parsed!.msgid).toBe(event.type);
          expect(parsed!.sd).toMatchObject({ seq: String(event.seq), type: event.type, actorKind: event.actorKind, hash: event.hash, prevHash: event.prevHash });
          if (event.actorId) expect(parsed!.sd.actorId).toBe(event.actorId);
          if (event.runId) expect(parsed!.sd.runId).toBe(event.runId);
          if (event.projectId) expect(parsed!.sd.projectId).toBe(event.projectId);
          expect(parsed!.msg).toMatchObject({ seq: event.seq, type: event.type, meta: JSON.parse(event.meta) });
        });
      }
      expect((await app.store.read.streams.all()).map((r) => [r.failures, r.delivered])).toEqual([[0, stored.length], [0, stored.length]]);
    } finally {
      await app.dispose();
    }
  });

  test("a TLS receiver whose certificate does not chain to the configured CA is never sent anything; the failure shows on the destination", async () => {
    const app = await createTestApp({}, { streamWorker: { pollMs: 20 } });
    try {
      const owner = await signedInAs(app, "owner");
      // No CA given: the system's CAs do not know the test CA.
      const res = await api(app, "POST", "/api/audit-streams", { body: { name: "untrusted", url: `tls://127.0.0.1:${rsyslog.tlsPort}` }, headers: owner.headers });
      const before = rsyslog.lines("tls").length;
      await eventually(async () => ((await app.store.read.streams.byId(res.json.stream.id))!.failures ?? 0) > 0, 10_000, "a recorded failure");
      const row = (await app.store.read.streams.byId(res.json.stream.id))!;
      expect(row.ackedSeq).toBe(0);
      expect(row.lastError).toMatch(/certificate|CERT|issuer/i);
      expect(rsyslog.lines("tls").length).toBe(before);
    } finally {
      await app.dispose();
    }
  });
});

describe("TLS configured by flags (--audit-syslog tls:// with --audit-syslog-ca)", () => {
  test("an app started with the flags delivers every audit event over TLS to a receiver whose certificate chains to the CA file", async () => {
    const app = await createTestApp(
      { "audit-syslog": `tls://127.0.0.1:${rsyslog.tlsPort}`, "audit-syslog-ca": rsyslog.caFile },
      { streamWorker: { pollMs: 20, batchSize: 50 } },
    );
    try {
      const start = rsyslog.lines("tls").length;
      await appendEvents(app, 30);
      const [row] = await app.store.read.streams.all();
      expect(row).toMatchObject({ kind: "syslog", source: "flag", url: `tls://127.0.0.1:${rsyslog.tlsPort}`, caPem: readFileSync(rsyslog.caFile, "utf8"), enabled: true });
      const head = async () => (await app.store.read.audit.head())!.seq;
      await eventually(async () => {
        const h = await head();
        return (await app.store.read.streams.byId(row!.id))!.ackedSeq === h && rsyslog.lines("tls").length - start >= h;
      }, 15_000, "the flag destination to catch up over TLS");
      const stored = await app.store.read.audit.batch({ afterSeq: 0, upToSeq: null, since: null, limit: 10_000 });
      const received = rsyslog.lines("tls").slice(start).map(parseSyslogLine);
      expect(received.every((m) => m !== null)).toBe(true);
      expect(received.map((m) => Number(m!.sd.seq))).toEqual(stored.map((e) => e.seq));
      expect(received.map((m) => m!.sd.hash)).toEqual(stored.map((e) => e.hash));
      // The destination's own creation from the flag is in the trail, and delivered with the rest.
      expect(received.map((m) => m!.msgid)).toContain("audit_stream.created");
      expect((await app.store.read.streams.byId(row!.id))!).toMatchObject({ failures: 0, delivered: stored.length, lastError: null });
    } finally {
      await app.dispose();
    }
  });

  test("with a CA file of another CA, the receiver's certificate is refused: nothing is delivered and the failure shows on the destination", async () => {
    const otherDir = mkdtempSync(join(tmpdir(), "railyard-other-ca-"));
    const other = await makeTestCa(otherDir);
    const app = await createTestApp(
      { "audit-syslog": `tls://127.0.0.1:${rsyslog.tlsPort}`, "audit-syslog-ca": other.caFile },
      { streamWorker: { pollMs: 20 } },
    );
    try {
      const before = rsyslog.lines("tls").length;
      const [row] = await app.store.read.streams.all();
      expect(row).toMatchObject({ source: "flag", caPem: readFileSync(other.caFile, "utf8") });
      await eventually(async () => ((await app.store.read.streams.byId(row!.id))!.failures ?? 0) > 0, 10_000, "a recorded failure");
      const failed = (await app.store.read.streams.byId(row!.id))!;
      expect(failed.ackedSeq).toBe(0);
      expect(failed.delivered).toBe(0);
      expect(failed.lastError).toMatch(/certificate|CERT|issuer|verify/i);
      // The owner sees it as a failing destination in the API, with nothing acknowledged.
      const owner = await signedInAs(app, "owner");
      const listed = (await api(app, "GET", "/api/audit-streams", { headers: owner.headers })).json.streams as { id: string; failures: number; lastError: string | null; ackedSeq: number; lag: { events: number } }[];
      const view = listed.find((s) => s.id === row!.id)!;
      expect(view.failures).toBeGreaterThan(0);
      expect(view.lastError).toBe(failed.lastError);
      expect(view.ackedSeq).toBe(0);
      expect(view.lag.events).toBeGreaterThan(0);
      expect(rsyslog.lines("tls").length).toBe(before);
    } finally {
      await app.dispose();
      rmSync(otherDir, { recursive: true, force: true });
    }
  });
});

describe("kill -9 in the middle of a backlog, and a receiver restart", () => {
  test("after both, every event has arrived and seq has no gap (duplicates counted)", async () => {
    // A data dir with a long backlog, then a real server process streaming it to rsyslog.
    const seed = await createTestApp({}, { streamWorker: false });
    const dataDir = seed.dataDir;
    await appendEvents(seed, 20_000);
    await seed.close();
    const start = rsyslog.lines("tcp").length;
    const received = () => rsyslog.lines("tcp").slice(start);
    // On the PostgreSQL run the server process uses the seed's database, as a node would.
    const database = seed.config.databaseUrl ? ["--database-url", seed.config.databaseUrl] : [];
    const spawnServer = () => Bun.spawn([process.execPath, "src/main.ts", "serve", "--data-dir", dataDir, ...database, "--port", "0", "--log-level", "warn", "--audit-syslog", `tcp://127.0.0.1:${rsyslog.tcpPort}`], { cwd: root, stdout: "ignore", stderr: "ignore" });
    const db = () => (seed.config.databaseUrl ? rawDatabase(seed) : new Database(join(dataDir, DATABASE_FILE), { readonly: true }));
    try {
      const first = spawnServer();
      await eventually(() => received().length >= 2000, 30_000, "delivery to begin");
      first.kill(9);
      await first.exited;
      const atKill = received().length;
      expect(atKill).toBeLessThan(20_000); // really in the middle of the backlog

      // The receiver goes away while Railyard comes back, and returns a little later.
      await rsyslog.stop();
      const second = spawnServer();
      await Bun.sleep(1500);
      await rsyslog.start();
      await eventually(() => {
        const d = db();
        try {
          const head = d.query<{ seq: number }, []>("SELECT max(seq) AS seq FROM audit_events").get()!.seq;
          const acked = d.query<{ acked: number }, []>("SELECT acked_seq AS acked FROM audit_streams").get()!.acked;
          return acked === head && new Set(seqsOf(received()).seqs).size >= head;
        } finally {
          d.close();
        }
      }, 60_000, "the backlog to drain after the restart");
      second.kill("SIGTERM");
      await second.exited;

      const { seqs, partial } = seqsOf(received());
      const unique = [...new Set(seqs)].sort((a, b) => a - b);
      const d = db();
      const delivered = d.query<{ acked: number; failures: number }, []>("SELECT acked_seq AS acked, failures FROM audit_streams").get()!;
      d.close();
      // Every seq from 1 to the last acknowledged one arrived whole: no gap.
      expect(unique[0]).toBe(1);
      expect(unique.length).toBe(unique[unique.length - 1]!);
      expect(unique[unique.length - 1]).toBeGreaterThanOrEqual(delivered.acked);
      // In order within each delivery: the seqs only go back where a batch was sent again.
      const restarts = seqs.filter((s, i) => i > 0 && s <= seqs[i - 1]!).length;
      const duplicates = seqs.length - unique.length;
      console.log(`kill -9 after ${atKill} lines; ${unique.length} events, ${duplicates} duplicates, ${partial} partial lines, ${restarts} resends`);
      expect(restarts).toBeLessThanOrEqual(3);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 120_000);
});
