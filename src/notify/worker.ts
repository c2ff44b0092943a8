// The notification worker: turns outbox rows into deliveries and delivers them in the background,
// at least once, with bounded exponential backoff. Work is claimed through the store with a lease,
// so two nodes on one database never send the same attempt twice, and a delivery whose sender died
// (kill -9) is retried with the same delivery id once its lease runs out. Sending happens outside
// any transaction, with a timeout and a cap on concurrent sends: a slow receiver costs a slot, never
// a tool call or a page.
import type { Services } from "../core/context.ts";
import { openSecrets } from "../core/notify/channel-config.ts";
import { expandOutbox } from "../core/notify/expand.ts";
import type { ChannelRow, DeliveryRow } from "../core/notify/queries.ts";
import { newId } from "../lib/ids.ts";
import { DAY, HOUR } from "../lib/time.ts";
import { sendDelivery, type SendOutcome } from "./send.ts";

export interface NotifyOptions {
  /** How often the worker looks for work it was not told about (other nodes, retries coming due). */
  readonly pollMs?: number;
  /** Most sends in flight at once. */
  readonly concurrency?: number;
  /** Time one attempt may take (connect, TLS, answer). */
  readonly timeoutMs?: number;
  /** Attempts before a delivery is given up and shown as failed. */
  readonly maxAttempts?: number;
  /** First retry delay; each further retry doubles it, up to backoffMaxMs. */
  readonly backoffBaseMs?: number;
  readonly backoffMaxMs?: number;
  /** How long a claimed attempt is held before another worker may take it over. */
  readonly leaseMs?: number;
}

const DEFAULTS = { pollMs: 2000, concurrency: 4, timeoutMs: 10_000, maxAttempts: 8, backoffBaseMs: 2000, backoffMaxMs: 10 * 60_000, leaseMs: 60_000 } as const;

/** The delay before attempt `attempts + 1`, after `attempts` failed: base·2^(attempts−1), at most max. */
export function backoffMs(attempts: number, baseMs: number, maxMs: number): number {
  return Math.min(maxMs, baseMs * 2 ** Math.max(0, Math.min(30, attempts - 1)));
}

export interface Notifier {
  /** Starts delivering; links in messages start with `baseUrl` (the public URL, or where the server listens). */
  start(options: { baseUrl: string }): void;
  /** Changes the start of the links in messages expanded from now on (serve learns its port after listening). */
  setBaseUrl(url: string): void;
  /** Looks for work now (coalesced with a pass already under way). */
  kick(): void;
  /** Passes (expand, sweep, claim and send) until nothing is left to send now, resolving when the sends finished. For tests. */
  runOnce(): Promise<void>;
  /** Stops: no new work is claimed, sends under way are cut off (their leases let them be retried). */
  stop(): Promise<void>;
}

// Audit events after which there may be something to deliver.
const WAKE_PREFIXES = ["checkpoint.", "run.failed", "run.blocked", "scope.violation", "drift.detected", "channel.tested", "budget.threshold_reached", "runbook_proposal.created"];

export function createNotifier(services: Services, options: NotifyOptions = {}): Notifier {
  const o = { ...DEFAULTS, ...options };
  const { store, clock, logger } = services;
  let baseUrl = "http://127.0.0.1:7433";
  let started = false;
  let stopping = false;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let running: Promise<void> | null = null;
  let again = false;
  let lastSweep = -Infinity;
  let lastPrune = -Infinity;
  const inflight = new Set<Promise<void>>();
  const abort = new AbortController();
  let unsubscribe: (() => void) | null = null;

  const schedule = (ms: number) => {
    if (stopping || !started) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      void pass();
    }, ms);
    timer.unref?.();
  };

  const expand = async (now: number) => {
    const rows = await store.read.notify.unexpanded(100);
    if (rows.length === 0) return false;
    await store.write(async (tx) => {
      for (const row of rows) if (await tx.notify.markExpanded(row.id, now)) await expandOutbox(tx, row, now, baseUrl);
    });
    return rows.length === 100;
  };

  // Checkpoints expiring within the hour get one "expiring soon" outbox row each (a unique key, so two nodes write one).
  const sweep = async (now: number) => {
    if (now - lastSweep < 60_000 && now >= lastSweep) return;
    lastSweep = now;
    if (!(await store.read.notify.anyEnabledChannel())) return;
    const due = await store.read.notify.expiringWithout(now, now + HOUR, 200);
    if (due.length > 0) {
      await store.write(async (tx) => {
        for (const ck of due) {
          await tx.notify.insertOutboxOnce({
            id: newId("nob"), kind: "checkpoint.expiring", eventSeq: null, runId: ck.runId, projectId: ck.projectId, checkpointId: ck.checkpointId,
            meta: {}, dedupeKey: `expiring:${ck.checkpointId}`, occurredAt: now, expandedAt: null,
          });
        }
      });
    }
    // Finished deliveries are kept a month for Settings, then forgotten (hourly, one small write).
    if (now - lastPrune >= HOUR || now < lastPrune) {
      lastPrune = now;
      await store.write((tx) => tx.notify.prune(now - 30 * DAY));
    }
  };

  const claim = async (now: number): Promise<{ delivery: DeliveryRow; channel: ChannelRow }[]> => {
    const free = o.concurrency - inflight.size;
    if (free <= 0) return [];
    const due = await store.read.notify.dueDeliveries(now, free);
    if (due.length === 0) return [];
    return store.write(async (tx) => {
      const claimed: { delivery: DeliveryRow; channel: ChannelRow }[] = [];
      for (const delivery of due) {
        const channel = await tx.notify.channel(delivery.channelId);
        if (!channel) continue;
        if (await tx.notify.claimDelivery(delivery.id, now, now + o.leaseMs)) claimed.push({ delivery: { ...delivery, attempts: delivery.attempts + 1 }, channel });
      }
      return claimed;
    });
  };

  const record = async (delivery: DeliveryRow, channel: ChannelRow, outcome: SendOutcome) => {
    const now = clock.now();
    if (outcome.ok) {
      await store.write((tx) => tx.notify.markDelivered(delivery.id, now));
      return;
    }
    const final = !outcome.retry || delivery.attempts >= o.maxAttempts || !channel.enabled;
    const nextAttemptAt = now + backoffMs(delivery.attempts, o.backoffBaseMs, o.backoffMaxMs);
    await store.write((tx) => tx.notify.markAttemptFailed(delivery.id, { status: final ? "failed" : "pending", nextAttemptAt, lastError: outcome.error, now }));
    if (final) {
      services.metrics.notificationFailed(channel.kind);
      logger.warn({ deliveryId: delivery.id, channelId: channel.id, kind: channel.kind, attempts: delivery.attempts, error: outcome.error }, "notification delivery failed for good");
    } else {
      logger.info({ deliveryId: delivery.id, channelId: channel.id, attempts: delivery.attempts, error: outcome.error }, "notification delivery failed; will retry");
    }
  };

  const send = (delivery: DeliveryRow, channel: ChannelRow) => {
    const task = (async () => {
      let outcome: SendOutcome;
      try {
        outcome = await sendDelivery(channel, openSecrets(services.auditKey, channel.id, channel.secretSealed), delivery, { timeoutMs: o.timeoutMs, now: clock.now(), signal: abort.signal });
      } catch {
        outcome = { ok: false, error: "the channel's secret cannot be opened (was the data dir's audit.key replaced?)", retry: false };
      }
      // Cut off by shutdown: the lease runs out and another pass (here or on another node) retries.
      if (stopping) return;
      await record(delivery, channel, outcome);
    })().catch((error: unknown) => {
      if (!stopping) logger.error({ deliveryId: delivery.id, kind: (error as Error)?.name ?? "error" }, "could not record a notification attempt");
    }).finally(() => {
      inflight.delete(task);
      if (!stopping) schedule(0);
    });
    inflight.add(task);
  };

  const work = async () => {
    const now = clock.now();
    let more = await expand(now);
    await sweep(now);
    more = (await expand(now)) || more;
    for (const { delivery, channel } of await claim(now)) send(delivery, channel);
    if (more) again = true;
  };

  const pass = (): Promise<void> => {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      try {
        do {
          again = false;
          if (stopping) return;
          await work();
        } while (again);
      } catch (error) {
        if (!stopping) logger.error({ kind: (error as Error)?.name ?? "error" }, "notification pass failed");
      } finally {
        running = null;
        schedule(o.pollMs);
      }
    })();
    return running;
  };

  return {
    start({ baseUrl: url }) {
      if (started) return;
      started = true;
      baseUrl = url;
      unsubscribe = services.bus.subscribe((event) => {
        if (WAKE_PREFIXES.some((p) => event.type.startsWith(p))) schedule(0);
      });
      schedule(0);
    },
    setBaseUrl(url) {
      baseUrl = url;
    },
    kick: () => schedule(0),
    async runOnce() {
      // Until a pass finds nothing more to send (the cap may hold back part of the work).
      for (;;) {
        await pass();
        if (inflight.size === 0) return;
        while (inflight.size > 0) await Promise.all([...inflight]);
      }
    },
    async stop() {
      if (stopping) return;
      stopping = true;
      unsubscribe?.();
      if (timer) clearTimeout(timer);
      abort.abort();
      await running?.catch(() => {});
      await Promise.allSettled([...inflight]);
    },
  };
}
