import { MINUTE } from "../../lib/time.ts";

/** At most this many keys are tracked; beyond it, finished windows are dropped first. */
export const MAX_TRACKED_KEYS = 10_000;

interface Window {
  start: number;
  count: number;
  /** Whether this window's refusal was already audited (one event per key per window). */
  reported: boolean;
}

export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number; firstRefusal: boolean };

/** A fixed one-minute window counter per key id, with bounded memory. */
export class KeyRateLimiter {
  private readonly windows = new Map<string, Window>();

  constructor(private readonly perMinute: number) {}

  hit(keyId: string, now: number): RateDecision {
    let window = this.windows.get(keyId);
    if (!window || now - window.start >= MINUTE) {
      if (!window && this.windows.size >= MAX_TRACKED_KEYS) this.evict(now);
      window = { start: now, count: 0, reported: false };
      this.windows.set(keyId, window);
    }
    window.count++;
    if (window.count <= this.perMinute) return { allowed: true };
    const firstRefusal = !window.reported;
    window.reported = true;
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((window.start + MINUTE - now) / 1000)), firstRefusal };
  }

  get size(): number {
    return this.windows.size;
  }

  private evict(now: number): void {
    for (const [id, w] of this.windows) if (now - w.start >= MINUTE) this.windows.delete(id);
    // Still full (a burst of distinct live keys): drop the oldest insertions.
    if (this.windows.size >= MAX_TRACKED_KEYS) {
      let excess = this.windows.size - MAX_TRACKED_KEYS + 1;
      for (const id of this.windows.keys()) {
        if (excess-- <= 0) break;
        this.windows.delete(id);
      }
    }
  }
}

/**
 * Counts one request of `key` in the fixed window starting at `windowStart` where every node can
 * see it, and returns the window's count so far (PostgreSQL, with several nodes).
 */
export type SharedCounter = (key: string, windowStart: number) => Promise<number>;

/**
 * The same one-minute windows, counted in the database so that several nodes share each key's
 * limit. Windows are aligned to the minute; exactly one request sees the count just over the limit,
 * so one node, once, records the refusal.
 */
export class SharedKeyRateLimiter {
  constructor(
    private readonly perMinute: number,
    private readonly counter: SharedCounter,
  ) {}

  async hit(keyId: string, now: number): Promise<RateDecision> {
    const start = now - (now % MINUTE);
    const count = await this.counter(`key:${keyId}`, start);
    if (count <= this.perMinute) return { allowed: true };
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((start + MINUTE - now) / 1000)), firstRefusal: count === this.perMinute + 1 };
  }
}
