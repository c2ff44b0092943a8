// The audit-stream worker: delivers the trail to every enabled destination, in seq order, at least
// once. The cursor and the lease live in the database (core/stream/delivery.ts), so a restart, an
// outage or a second node sharing the database resumes from the last acknowledged seq; this
// process keeps nothing that matters. All network I/O happens outside store.write, with a timeout
// and a cap on concurrent deliveries: a dead destination costs a tool call nothing.
import { hostname } from "node:os";
import type { Services } from "../core/context.ts";
import { acknowledgeBatch, claimStream, nextStreamBatch, recordStreamFailure, releaseStream, streamsWithWork } from "../core/stream/delivery.ts";
import type { StreamRow } from "../core/stream/queries.ts";
import type { StreamRecord } from "../core/stream/stream-record.ts";
import { parseStreamUrl } from "../lib/stream-url.ts";
import { encodeOtlpLogs, sendOtlpBatch } from "./otlp.ts";
import { formatSyslog, sendSyslogBatch } from "./syslog.ts";

/** Sends one batch to one destination; resolves when the receiver acknowledged it. */
export type StreamSend = (row: StreamRow, records: readonly StreamRecord[], signal: AbortSignal) => Promise<void>;

export interface StreamWorkerOptions {
  /** This node's name in leases (random per process by default). */
  readonly nodeId?: string;
  /** How often destinations are checked without new events (ms). */
  readonly pollMs?: number;
  /** Events read per batch (one syslog connection or one OTLP request). */
  readonly batchSize?: number;
  /** How long a lease lasts without renewal (ms); renewed with every acknowledged batch. */
  readonly leaseMs?: number;
  /** Connect-to-acknowledgement limit per batch (ms). */
  readonly timeoutMs?: number;
  /** Destinations delivered to at the same time. */
  readonly concurrency?: number;
  /** The server version (OTLP resource). */
  readonly version?: string;
  /** Replaces the network senders (tests). */
  readonly send?: StreamSend;
}

export interface StreamWorker {
  readonly nodeId: string;
  start(): void;
  /** One pass over the destinations, resolved when its deliveries end (tests). */
  runOnce(): Promise<void>;
  /** Stops polling, aborts deliveries in flight (their batches are sent again later) and releases leases. */
  stop(): Promise<void>;
}

/** The network senders: syslog over TCP/TLS, OTLP/HTTP. */
export function networkSender(options: { timeoutMs: number; version: string }): StreamSend {
  const host = hostname();
  const header = { hostname: host, procId: String(process.pid) };
  return async (row, records, signal) => {
    const address = parseStreamUrl(row.url);
    if ("error" in address) throw new Error(`stored address is invalid: ${address.error}`);
    if (row.kind === "syslog") {
      await sendSyslogBatch(address, row.caPem, records.map((r) => formatSyslog(r, header)), { timeoutMs: options.timeoutMs, signal });
      return;
    }
    const { rejected } = await sendOtlpBatch(address.url, row.caPem, encodeOtlpLogs(records, { serviceVersion: options.version, hostName: host }), { timeoutMs: options.timeoutMs, signal });
    // Rejected records are final (the collector will not take them on a retry): counted as sent, logged.
    if (rejected > 0) throw Object.assign(new Error(`the collector rejected ${rejected} log records`), { final: true });
  };
}

/**
 * A node name that survives restarts of the same server (host and data dir) and differs between
 * nodes: a server restarted after a crash takes its own lease back at once instead of waiting for
 * it to expire. Only one server runs per data dir (the data-dir lock), so the name is never shared.
 */
export function streamNodeId(dataDir: string): string {
  return `node-${new Bun.CryptoHasher("sha256").update(`${hostname()}\0${dataDir}`).digest("hex").slice(0, 16)}`;
}

export function createStreamWorker(services: Services, options: StreamWorkerOptions = {}): StreamWorker {
  const { store, clock, logger } = services;
  const nodeId = options.nodeId ?? `node-${crypto.randomUUID()}`;
  const pollMs = options.pollMs ?? 1000;
  const batchSize = options.batchSize ?? 500;
  const leaseMs = options.leaseMs ?? 30_000;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const concurrency = options.concurrency ?? 4;
  const send = options.send ?? networkSender({ timeoutMs, version: options.version ?? "0" });
  const abort = new AbortController();
  const inFlight = new Map<string, Promise<void>>();
  let stopped = false;
  let timer: ReturnType<typeof setInterval> | null = null;
  let soon: ReturnType<typeof setTimeout> | null = null;
  let unsubscribe: (() => void) | null = null;
  let ticking: Promise<void> | null = null;

  const deliver = async (row: StreamRow): Promise<void> => {
    if (!(await claimStream(store, row.id, nodeId, clock.now(), leaseMs))) return;
    let cursor = row.ackedSeq;
    try {
      while (!stopped) {
        const batch = await nextStreamBatch(store.read, { ...row, ackedSeq: cursor }, batchSize);
        if (!batch) break;
        if (batch.records.length > 0) {
          try {
            await send(row, batch.records, abort.signal);
          } catch (error) {
            if (!(error as { final?: boolean }).final) throw error;
            logger.warn({ stream: row.id, kind: row.kind, reason: (error as Error).message }, "audit stream: the receiver refused part of a batch for good; moving on");
          }
        }
        // Lost the lease (it expired during a slow send and another node took over): stop here;
        // the other node resumes from the cursor, so at worst this batch arrives twice.
        if (!(await acknowledgeBatch(store, { id: row.id, owner: nodeId, batch, now: clock.now(), leaseMs }))) return;
        cursor = batch.toSeq;
      }
      await releaseStream(store, row.id, nodeId);
    } catch (error) {
      // Interrupted by shutdown: not the destination's fault; the batch is sent again after the restart.
      if (stopped) {
        await releaseStream(store, row.id, nodeId).catch(() => {});
        return;
      }
      const reason = error instanceof Error ? error.message : String(error);
      logger.warn({ stream: row.id, kind: row.kind, failures: row.failures + 1, reason }, "audit stream delivery failed; it will be retried");
      await recordStreamFailure(store, { id: row.id, owner: nodeId, failures: row.failures, error: reason, now: clock.now() }).catch(() => {});
    }
  };

  const tick = (): Promise<void> => {
    if (ticking) return ticking;
    ticking = (async () => {
      try {
        if (stopped) return;
        const rows = await streamsWithWork(store.read, nodeId, clock.now());
        for (const row of rows) {
          if (stopped || inFlight.has(row.id) || inFlight.size >= concurrency) continue;
          const running = deliver(row)
            .catch((error: unknown) => logger.error({ stream: row.id, kind: (error as Error)?.name ?? "error" }, "audit stream worker error"))
            .finally(() => inFlight.delete(row.id));
          inFlight.set(row.id, running);
        }
      } catch (error) {
        if (!stopped) logger.error({ kind: (error as Error)?.name ?? "error" }, "audit stream worker could not read its destinations");
      } finally {
        ticking = null;
      }
    })();
    return ticking;
  };

  // New events wake the worker within a few milliseconds (many events of one burst share a pass).
  const wake = () => {
    if (stopped || soon) return;
    soon = setTimeout(() => {
      soon = null;
      void tick();
    }, 20);
    soon.unref?.();
  };

  return {
    nodeId,
    start() {
      if (timer || stopped) return;
      timer = setInterval(() => void tick(), pollMs);
      timer.unref?.();
      unsubscribe = services.bus.subscribe(wake);
      wake();
    },
    async runOnce() {
      await tick();
      while (inFlight.size > 0) await Promise.all([...inFlight.values()]);
    },
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      if (soon) clearTimeout(soon);
      unsubscribe?.();
      abort.abort();
      await ticking;
      await Promise.all([...inFlight.values()]);
    },
  };
}
