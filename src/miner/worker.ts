// The ritual miner's background job: one pass per interval across all nodes. A node takes the
// job's lease through the store before mining (two nodes on one database never mine at once) and
// skips the turn when another node ran it recently; the pass itself only reads outside its write.
import { SYSTEM, withActor, type Services } from "../core/context.ts";
import { runMinerPass, type MinerPassResult } from "../core/miner/run-miner-pass.ts";
import { HOUR, MINUTE } from "../lib/time.ts";

export const MINER_JOB = "ritual_miner";

export interface MinerWorkerOptions {
  /** Time between passes (across all nodes). */
  readonly intervalMs?: number;
  /** How long a node holds the lease while it mines. */
  readonly leaseMs?: number;
  /** Delay of the first look after start. */
  readonly firstDelayMs?: number;
}

export interface MinerWorker {
  start(): void;
  /** One pass now, under the lease; null when another node holds it. */
  runOnce(options?: { force?: boolean }): Promise<MinerPassResult | null>;
  stop(): Promise<void>;
}

export function createMinerWorker(services: Services, nodeId: string, options: MinerWorkerOptions = {}): MinerWorker {
  const intervalMs = options.intervalMs ?? HOUR;
  const leaseMs = options.leaseMs ?? 10 * MINUTE;
  const { store, clock, logger } = services;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let running: Promise<unknown> | null = null;
  let stopped = false;

  const runOnce = async ({ force = false } = {}): Promise<MinerPassResult | null> => {
    const now = clock.now();
    if (!force) {
      const last = await store.read.miner.lastRunAt(MINER_JOB);
      if (last !== null && now - last < intervalMs) return null;
    }
    if (!(await store.write((tx) => tx.miner.takeLease(MINER_JOB, nodeId, now, now + leaseMs)))) return null;
    try {
      return await runMinerPass(withActor(services, SYSTEM));
    } finally {
      await store.write((tx) => tx.miner.releaseLease(MINER_JOB, nodeId, clock.now()));
    }
  };

  const tick = () => {
    timer = null;
    if (stopped) return;
    running = runOnce()
      .then((r) => r && logger.info({ found: r.found, proposed: r.proposed.length }, "ritual miner pass"))
      .catch((error: unknown) => logger.warn({ err: error instanceof Error ? error.message : String(error) }, "ritual miner pass failed"))
      .finally(() => {
        running = null;
        schedule(intervalMs);
      });
  };
  const schedule = (ms: number) => {
    if (stopped) return;
    timer = setTimeout(tick, ms);
    timer.unref?.();
  };

  return {
    start: () => schedule(options.firstDelayMs ?? MINUTE),
    runOnce,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
