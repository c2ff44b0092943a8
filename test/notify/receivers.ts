// Real receivers on loopback for the notification tests: an HTTP server that checks the webhook
// signature and can fail on purpose, and an SMTP server (smtp-server from npm) that keeps the mail.
import { createHmac, timingSafeEqual } from "node:crypto";
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";

export interface Received {
  path: string;
  headers: Record<string, string>;
  body: string;
  json: any;
  /** For signed webhooks: whether X-Railyard-Signature matches HMAC-SHA256("<timestamp>.<body>"). */
  signatureValid: boolean | null;
}

export interface HttpReceiver {
  url: string;
  received: Received[];
  /** Resolves once `n` requests arrived. */
  waitFor(n: number, timeoutMs?: number): Promise<Received[]>;
  /** Requests currently being answered (a hanging receiver holds them). */
  open(): number;
  /** The most requests that were open at the same time. */
  maxOpen(): number;
  stop(): Promise<void>;
}

/**
 * An HTTP receiver. `answer(n)` decides the status of the n-th request (1-based); `hang: true`
 * never answers (until stopped).
 */
export function httpReceiver(options: { secret?: string; answer?: (n: number) => number | Response; hang?: boolean } = {}): HttpReceiver {
  const received: Received[] = [];
  const waiters: (() => void)[] = [];
  let open = 0;
  let maxOpen = 0;
  const hung: (() => void)[] = [];
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(request) {
      const body = await request.text();
      const headers = Object.fromEntries(request.headers);
      let signatureValid: boolean | null = null;
      if (options.secret !== undefined && headers["x-railyard-signature"]) {
        const expected = `sha256=${createHmac("sha256", options.secret).update(`${headers["x-railyard-timestamp"]}.${body}`).digest("hex")}`;
        const got = headers["x-railyard-signature"]!;
        signatureValid = expected.length === got.length && timingSafeEqual(Buffer.from(expected), Buffer.from(got));
      }
      let json: any = null;
      try {
        json = JSON.parse(body);
      } catch {
        // Not JSON.
      }
      received.push({ path: new URL(request.url).pathname, headers, body, json, signatureValid });
      for (const w of waiters.splice(0)) w();
      if (options.hang) {
        open++;
        maxOpen = Math.max(maxOpen, open);
        // Held until the receiver stops or the client hangs up (its timeout).
        await new Promise<void>((resolve) => {
          hung.push(resolve);
          request.signal.addEventListener("abort", () => resolve(), { once: true });
        });
        open--;
        return new Response("late", { status: 200 });
      }
      const answer = options.answer?.(received.length) ?? 200;
      return typeof answer === "number" ? new Response(answer < 300 ? "ok" : "nope", { status: answer }) : answer;
    },
  });
  return {
    url: `http://127.0.0.1:${server.port}`,
    received,
    open: () => open,
    maxOpen: () => maxOpen,
    async waitFor(n, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      while (received.length < n) {
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`expected ${n} requests, got ${received.length}`);
        await Promise.race([new Promise<void>((r) => waiters.push(r)), Bun.sleep(Math.min(left, 100))]);
      }
      return received;
    },
    async stop() {
      for (const r of hung.splice(0)) r();
      await server.stop(true);
    },
  };
}

export interface Mail {
  from: string;
  to: string[];
  /** The message as received, with folded headers unfolded and quoted-printable decoded. */
  raw: string;
  /** The login used, when the client authenticated. */
  user: string | null;
}

export interface SmtpReceiver {
  port: number;
  mails: Mail[];
  /** Every AUTH attempt the server saw (the login names), whether it succeeded or not. */
  authAttempts: string[];
  /** Connections that completed a TLS handshake (implicit TLS or STARTTLS). */
  secured: () => number;
  waitFor(n: number, timeoutMs?: number): Promise<Mail[]>;
  stop(): Promise<void>;
}

/**
 * An SMTP server on loopback (plain, optional AUTH PLAIN/LOGIN with one account; `rejectRcpt` answers 550).
 * With `tls` (a PEM key and certificate) it offers STARTTLS, or with `implicitTls` speaks TLS from the start.
 */
export async function smtpReceiver(options: { user?: string; password?: string; rejectRcpt?: boolean; tls?: { key: string; cert: string }; implicitTls?: boolean } = {}): Promise<SmtpReceiver> {
  const mails: Mail[] = [];
  const authAttempts: string[] = [];
  let secured = 0;
  const server = new SMTPServer({
    ...(options.tls ? { key: options.tls.key, cert: options.tls.cert, secure: options.implicitTls ?? false } : { disabledCommands: ["STARTTLS"] }),
    authOptional: options.user === undefined,
    allowInsecureAuth: true,
    logger: false,
    onSecure(_socket, _session, callback) {
      secured++;
      callback();
    },
    onAuth(auth, _session, callback) {
      authAttempts.push(auth.username ?? "");
      if (auth.username === options.user && auth.password === options.password) callback(null, { user: auth.username });
      else callback(new Error("535 5.7.8 authentication failed"));
    },
    onRcptTo(_address, _session, callback) {
      if (options.rejectRcpt) {
        const error = Object.assign(new Error("mailbox unavailable"), { responseCode: 550 });
        callback(error);
      } else callback();
    },
    onData(stream, session, callback) {
      let raw = "";
      stream.on("data", (chunk: Buffer) => (raw += chunk.toString("utf8")));
      stream.on("end", () => {
        mails.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: decodeMail(raw),
          user: (session.user as string | undefined) ?? null,
        });
        callback();
      });
    },
  });
  // A client that hangs up during the TLS handshake (it refused the certificate) is not the server's failure.
  server.on("error", () => {});
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const port = (server.server.address() as AddressInfo).port;
  return {
    port,
    mails,
    authAttempts,
    secured: () => secured,
    async waitFor(n, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      while (mails.length < n) {
        if (Date.now() > deadline) throw new Error(`expected ${n} mails, got ${mails.length}`);
        await Bun.sleep(20);
      }
      return mails;
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Unfolds header lines and decodes quoted-printable, so tests can look for whole URLs and subjects. */
function decodeMail(raw: string): string {
  return raw.replace(/\r\n[ \t]+/g, " ").replace(/=\r?\n/g, "").replace(/=([0-9A-F]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}
