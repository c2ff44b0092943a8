// The audit-stream queries the core needs (interface only; src/db/queries/stream.ts implements them).
import type { StreamKind } from "../../lib/stream-url.ts";

export interface StreamRow {
  id: string;
  name: string;
  kind: StreamKind;
  url: string;
  caPem: string | null;
  eventTypes: string[];
  projectIds: string[];
  enabled: boolean;
  source: "api" | "flag";
  /** The durable cursor: every event up to this seq was acknowledged by the receiver. */
  ackedSeq: number;
  ackedAt: number | null;
  delivered: number;
  /** Consecutive failed attempts (0 once a batch is acknowledged again). */
  failures: number;
  lastError: string | null;
  lastErrorAt: number | null;
  retryAt: number;
  leaseOwner: string | null;
  leaseUntil: number;
  createdAt: number;
  createdBy: string | null;
  updatedAt: number;
}

/** What an owner may change on a destination. */
export interface StreamConfig {
  name: string;
  url: string;
  caPem: string | null;
  eventTypes: string[];
  projectIds: string[];
  enabled: boolean;
  updatedAt: number;
}

export interface StreamQueries {
  /** Every destination, oldest first. */
  all(): Promise<StreamRow[]>;
  byId(id: string): Promise<StreamRow | undefined>;
  insert(row: StreamRow): Promise<void>;
  /** Replaces the configuration and clears the backoff, so a corrected address is tried at once. */
  configure(id: string, config: StreamConfig): Promise<void>;
  remove(id: string): Promise<void>;
  /**
   * Takes the delivery lease of an enabled destination for `owner` until `until`, when it is free
   * (expired) or already `owner`'s. True when `owner` holds it now.
   */
  claim(id: string, owner: string, now: number, until: number): Promise<boolean>;
  release(id: string, owner: string): Promise<void>;
  /**
   * Moves the cursor from `fromSeq` to `toSeq` and renews the lease, only while `owner` holds the
   * lease and the cursor is still at `fromSeq` (so it never moves backwards). True when it moved.
   */
  advance(input: { id: string; owner: string; fromSeq: number; toSeq: number; sent: number; now: number; leaseUntil: number }): Promise<boolean>;
  /** Records a failed attempt (while `owner` holds the lease) and releases the lease. */
  failed(input: { id: string; owner: string; error: string; now: number; retryAt: number }): Promise<void>;
  /** The time (ms) of the oldest event after `seq`, if any (the lag in seconds). */
  eventAtAfter(seq: number): Promise<number | undefined>;
}
