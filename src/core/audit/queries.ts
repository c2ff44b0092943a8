// The audit queries the core needs (interface only; src/db/queries/audit.ts implements them).
import type { StoredEvent } from "./append-event.ts";

/**
 * Which events a reader may see (decided in the core, see auditVisibility): all of them; every run
 * or project event plus the reader's own actions; or the reader's own actions plus the events of
 * runs the reader owns.
 */
export type AuditVisibility =
  | { readonly kind: "all" }
  | { readonly kind: "project"; readonly userId: string }
  | { readonly kind: "own"; readonly userId: string };

/** One page of the trail; null filters match everything. */
export interface AuditPageFilter {
  readonly visibility: AuditVisibility;
  readonly type: string | null;
  /** A user id (their actions and their agents') or a key id. */
  readonly actor: string | null;
  readonly runId: string | null;
  readonly projectId: string | null;
  /** Events at or after this time (ms). */
  readonly since: number | null;
  /** Events before this time (ms). */
  readonly until: number | null;
  /** Events with a seq below this one (the previous page's last seq). */
  readonly beforeSeq: number | null;
  readonly limit: number;
}

/** A batch of the trail in seq order (for verifying and exporting). */
export interface AuditBatchFilter {
  readonly afterSeq: number;
  /** The last seq to include; null for the whole trail. */
  readonly upToSeq: number | null;
  /** Only events at or after this time (ms); null for all. */
  readonly since: number | null;
  readonly limit: number;
}

export interface AuditQueries {
  /** The newest event's seq and hash (undefined for an empty chain). */
  head(): Promise<{ seq: number; hash: string } | undefined>;
  insert(event: StoredEvent): Promise<void>;
  count(): Promise<number>;
  /** The hash stored at `seq`, if that event is still held. */
  hashAt(seq: number): Promise<string | undefined>;
  /** The oldest retained event's seq and prev_hash. */
  first(): Promise<{ seq: number; prevHash: string } | undefined>;
  /** Events matching `filter`, newest first. */
  page(filter: AuditPageFilter): Promise<StoredEvent[]>;
  /** How many events match `filter` in all (every page). */
  countMatching(filter: Omit<AuditPageFilter, "beforeSeq" | "limit">): Promise<number>;
  /** Events matching `filter`, oldest first. */
  batch(filter: AuditBatchFilter): Promise<StoredEvent[]>;
  /** Events matching the explorer's filters after `afterSeq` (up to `upToSeq`), oldest first: a filtered export's batches. */
  batchMatching(filter: Omit<AuditPageFilter, "beforeSeq"> & { readonly afterSeq: number; readonly upToSeq: number }): Promise<StoredEvent[]>;
  /** The metadata text of the newest event of `type`. */
  latestMetaOfType(type: string): Promise<string | undefined>;
  /** The lowest seq among events recorded at or after `at` (ms). */
  firstSeqSince(at: number): Promise<number | undefined>;
  /**
   * Deletes the events below `seq` (write transactions only): opens the purge window the
   * append-only triggers check, deletes, closes it again. Returns how many were deleted.
   */
  purgeBefore(seq: number): Promise<number>;
}
