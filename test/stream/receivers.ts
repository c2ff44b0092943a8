// Real receivers on loopback for the audit-stream tests: a private rsyslogd (Debian's rsyslog,
// with its own config, pid file, work directory and ports, receiving plain TCP and TLS with a CA
// generated here with openssl) writing every message to a file; and an OTLP/HTTP logs receiver.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createConnection } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A free loopback port (bound and released; the caller binds it again at once). */
export async function freePort(): Promise<number> {
  const server = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const port = server.port;
  server.stop(true);
  return port;
}

async function run(argv: string[], cwd: string): Promise<void> {
  const proc = Bun.spawn(argv, { cwd, stdout: "pipe", stderr: "pipe" });
  const code = await proc.exited;
  if (code !== 0) throw new Error(`${argv[0]} exited with ${code}: ${(await new Response(proc.stderr).text()).slice(0, 500)}`);
}

/** A test CA and a server certificate for 127.0.0.1/localhost signed by it (files in `dir`). */
export async function makeTestCa(dir: string): Promise<{ caFile: string; certFile: string; keyFile: string }> {
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  await run(["openssl", "req", "-x509", ...ec, "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=Railyard test CA"], dir);
  await run(["openssl", "req", ...ec, "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=localhost"], dir);
  writeFileSync(join(dir, "san.cnf"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
  await run(["openssl", "x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out", "server.pem", "-days", "2", "-extfile", "san.cnf"], dir);
  return { caFile: join(dir, "ca.pem"), certFile: join(dir, "server.pem"), keyFile: join(dir, "server.key") };
}

async function accepting(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: "127.0.0.1", port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.on("error", () => resolve(false));
  });
}

export interface Rsyslog {
  readonly dir: string;
  readonly tcpPort: number;
  readonly tlsPort: number;
  readonly caFile: string;
  /** Every line rsyslogd wrote so far for one input (one per message received). */
  lines(input?: "tcp" | "tls"): string[];
  start(): Promise<void>;
  /** SIGTERM and wait: rsyslogd drains its queue into the file first. */
  stop(): Promise<void>;
  dispose(): Promise<void>;
}

/** A private rsyslogd: imtcp on a plain port and a TLS port (ossl driver), each message's raw text as one line of out.log. */
export async function startRsyslog(): Promise<Rsyslog> {
  const dir = mkdtempSync(join(tmpdir(), "railyard-rsyslog-"));
  const { caFile, certFile, keyFile } = await makeTestCa(dir);
  const tcpPort = await freePort();
  const tlsPort = await freePort();
  const outOf = (input: "tcp" | "tls") => join(dir, `${input}.log`);
  writeFileSync(join(dir, "rsyslog.conf"), `
global(workDirectory="${dir}" maxMessageSize="64k"
  DefaultNetstreamDriverCAFile="${caFile}" DefaultNetstreamDriverCertFile="${certFile}" DefaultNetstreamDriverKeyFile="${keyFile}")
module(load="imtcp" maxSessions="200")
input(type="imtcp" address="127.0.0.1" port="${tcpPort}" ruleset="tcp")
input(type="imtcp" address="127.0.0.1" port="${tlsPort}" ruleset="tls" streamDriver.name="ossl" streamDriver.mode="1" streamDriver.authMode="anon")
template(name="raw" type="string" string="%rawmsg%\\n")
ruleset(name="tcp") { action(type="omfile" file="${outOf("tcp")}" template="raw" asyncWriting="off") }
ruleset(name="tls") { action(type="omfile" file="${outOf("tls")}" template="raw" asyncWriting="off") }
`);
  let proc: ReturnType<typeof Bun.spawn> | null = null;
  const rs: Rsyslog = {
    dir, tcpPort, tlsPort, caFile,
    lines: (input = "tcp") => (existsSync(outOf(input)) ? readFileSync(outOf(input), "utf8").split("\n").filter((l) => l !== "") : []),
    async start() {
      proc = Bun.spawn(["rsyslogd", "-n", "-f", join(dir, "rsyslog.conf"), "-i", join(dir, "rsyslogd.pid")], { cwd: dir, stdout: "ignore", stderr: "pipe" });
      for (let i = 0; i < 200; i++) {
        if ((await accepting(tcpPort)) && (await accepting(tlsPort))) return;
        if (proc.exitCode !== null) break;
        await Bun.sleep(25);
      }
      throw new Error(`rsyslogd did not start: ${proc.exitCode !== null ? await new Response(proc.stderr as ReadableStream).text() : "timeout"}`);
    },
    async stop() {
      if (!proc) return;
      proc.kill("SIGTERM");
      await proc.exited;
      proc = null;
    },
    async dispose() {
      await rs.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await rs.start();
  return rs;
}

/** RFC 5424 with Railyard's structured data: the parts a test checks, or null for a line that is not one whole message. */
export function parseSyslogLine(line: string): { pri: number; msgid: string; sd: Record<string, string>; msg: Record<string, unknown> } | null {
  const m = /^<(\d{1,3})>1 \S+ \S+ railyard \S+ (\S+) \[railyard@32473((?: [A-Za-z]+="(?:[^"\\\]]|\\["\\\]])*")*)\] (\{.*\})$/.exec(line);
  if (!m) return null;
  const sd: Record<string, string> = {};
  for (const p of m[3]!.matchAll(/ ([A-Za-z]+)="((?:[^"\\\]]|\\["\\\]])*)"/g)) sd[p[1]!] = p[2]!.replace(/\\(["\\\]])/g, "$1");
  try {
    return { pri: Number(m[1]), msgid: m[2]!, sd, msg: JSON.parse(m[4]!) as Record<string, unknown> };
  } catch {
    return null;
  }
}

export interface OtlpReceiver {
  readonly url: string;
  /** Log records received, in arrival order (one entry per record, with its request's index). */
  readonly records: Record<string, any>[];
  readonly requests: number;
  /** Answer this status (instead of 200) to the next `count` requests. */
  failNext(count: number, status?: number): void;
  stop(): void;
}

/** An OTLP/HTTP logs receiver (JSON encoding) on loopback. */
export function startOtlpReceiver(): OtlpReceiver {
  const records: Record<string, any>[] = [];
  let failing = 0;
  let failStatus = 503;
  let requests = 0;
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(request) {
      requests++;
      const url = new URL(request.url);
      if (request.method !== "POST" || url.pathname !== "/v1/logs") return new Response("not found", { status: 404 });
      if (request.headers.get("content-type") !== "application/json") return new Response("unsupported", { status: 415 });
      const body = (await request.json()) as any;
      if (failing > 0) {
        failing--;
        return new Response("unavailable", { status: failStatus });
      }
      for (const rl of body.resourceLogs ?? []) for (const sl of rl.scopeLogs ?? []) for (const r of sl.logRecords ?? []) records.push({ ...r, resource: rl.resource, scope: sl.scope });
      return Response.json({});
    },
  });
  return {
    url: `http://127.0.0.1:${server.port}`,
    records,
    get requests() {
      return requests;
    },
    failNext(count, status = 503) {
      failing = count;
      failStatus = status;
    },
    stop: () => void server.stop(true),
  };
}

/** The attributes of an OTLP log record as a plain object. */
export function otlpAttributes(record: Record<string, any>): Record<string, unknown> {
  return Object.fromEntries((record.attributes as { key: string; value: Record<string, unknown> }[]).map((a) => [a.key, Object.values(a.value)[0]]));
}

/** Polls `check` every 20 ms until it returns true, or fails after `ms`. */
export async function eventually(check: () => boolean | Promise<boolean>, ms = 15_000, what = "condition"): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await check()) return;
    await Bun.sleep(20);
  }
  throw new Error(`timed out waiting for ${what}`);
}
