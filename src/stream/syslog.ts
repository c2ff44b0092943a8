// Syslog (RFC 5424) over TCP or TLS with octet-counted framing (RFC 6587 §3.4.1). Each batch is
// one connection: Railyard writes the messages, closes its side, and counts the batch as delivered
// only when the receiver has read everything and closed its side too. TCP alone acknowledges
// nothing (a receiver that dies loses what sat in its socket buffer), so the receiver's orderly
// close is the acknowledgement; anything short of it is a failure and the batch is sent again.
import { connect as tcpConnect, type Socket } from "node:net";
import { connect as tlsConnect } from "node:tls";
import type { StreamRecord } from "../core/stream/stream-record.ts";
import type { StreamAddress } from "../lib/stream-url.ts";
import { isWarning, recordJson, SD_ID, STREAM_FIELDS } from "./fields.ts";

/** Facility 13, "log audit" (RFC 5424 §6.2.1). */
const FACILITY_LOG_AUDIT = 13;
const SEVERITY_WARNING = 4;
const SEVERITY_INFORMATIONAL = 6;

/** PARAM-VALUE escaping (RFC 5424 §6.3.3): `"`, `\` and `]` take a backslash. */
function paramValue(value: string): string {
  return value.replace(/["\\\]]/g, (c) => `\\${c}`);
}

/** A header field: printable US-ASCII without spaces, at most `max` characters, or the nil value. */
function headerField(value: string, max: number): string {
  const clean = value.replace(/[^\x21-\x7e]/g, "").slice(0, max);
  return clean === "" ? "-" : clean;
}

export interface SyslogHeader {
  /** HOSTNAME: this machine's name. */
  readonly hostname: string;
  /** PROCID: the server's process id. */
  readonly procId: string;
}

/** One event as an RFC 5424 message: PRI, version 1, time, host, app `railyard`, MSGID = type, structured data, JSON message. */
export function formatSyslog(r: StreamRecord, header: SyslogHeader): string {
  const pri = FACILITY_LOG_AUDIT * 8 + (isWarning(r.type) ? SEVERITY_WARNING : SEVERITY_INFORMATIONAL);
  const params = STREAM_FIELDS.flatMap((f) => {
    const v = f.value(r);
    return v === null ? [] : [`${f.sd}="${paramValue(String(v))}"`];
  });
  const sd = `[${SD_ID} ${params.join(" ")}]`;
  return `<${pri}>1 ${new Date(r.at).toISOString()} ${headerField(header.hostname, 255)} railyard ${headerField(header.procId, 128)} ${headerField(r.type, 32)} ${sd} ${recordJson(r)}`;
}

/** Octet-counting: the message's length in bytes, a space, the message. */
export function frame(message: string): string {
  return `${Buffer.byteLength(message, "utf8")} ${message}`;
}

/**
 * Sends one batch on a fresh connection and resolves once the receiver has closed its side after
 * reading it (see the file comment); rejects on any error, an early close, or `timeoutMs`.
 */
export function sendSyslogBatch(address: StreamAddress, caPem: string | null, messages: readonly string[], options: { timeoutMs: number; signal?: AbortSignal }): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let socket: Socket;
    let settled = false;
    let flushed = false;
    const done = (error: Error | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener("abort", onAbort);
      socket.destroy();
      if (error) reject(error);
      else resolve();
    };
    const onAbort = () => done(new Error("aborted: the server is shutting down"));
    const timer = setTimeout(() => done(new Error(`no acknowledgement within ${options.timeoutMs} ms (the receiver did not close the connection)`)), options.timeoutMs);
    const payload = messages.map(frame).join("");
    const send = () => {
      socket.end(payload, () => {
        flushed = true;
      });
    };
    if (address.tls) {
      socket = tlsConnect({ host: address.host, port: address.port, servername: /^[\d.:]+$/.test(address.host) ? undefined : address.host, ...(caPem ? { ca: caPem } : {}) }, send);
    } else {
      socket = tcpConnect({ host: address.host, port: address.port }, send);
    }
    options.signal?.addEventListener("abort", onAbort, { once: true });
    socket.setNoDelay(true);
    socket.on("error", (error) => done(new Error(describeSocketError(error))));
    // Anything the receiver says is ignored; reading keeps its close observable.
    socket.on("data", () => {});
    socket.on("end", () => done(flushed ? null : new Error("the receiver closed the connection before the batch was written")));
    socket.on("close", () => done(new Error("the connection closed without the receiver's acknowledgement")));
  });
}

/** A socket error as a short reason (code and the system's words; no payload). */
function describeSocketError(error: Error & { code?: string }): string {
  const code = typeof error.code === "string" ? error.code : "error";
  return `${code}: ${error.message}`.slice(0, 200);
}
