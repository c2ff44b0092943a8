// The storage port. The core sees only this: domain query namespaces and one write path. Each
// backend in src/db/ implements it; no driver, query builder or file system reaches the core.
import type { AuditQueries } from "./audit/queries.ts";
import type { BudgetQueries } from "./budget/queries.ts";
import type { EventRelay } from "./context.ts";
import type { SharedCounter } from "./key/rate-limiter.ts";
import type { CheckpointQueries } from "./checkpoint/queries.ts";
import type { IdentityQueries } from "./identity/queries.ts";
import type { KeyQueries } from "./key/queries.ts";
import type { KnowledgeQueries } from "./knowledge/queries.ts";
import type { MinerQueries } from "./miner/queries.ts";
import type { NotifyQueries } from "./notify/queries.ts";
import type { ProjectQueries } from "./project/queries.ts";
import type { RunQueries } from "./run/queries.ts";
import type { RunbookQueries } from "./runbook/queries.ts";
import type { SettingQueries } from "./setting/queries.ts";
import type { StreamQueries } from "./stream/queries.ts";
import type { UserQueries } from "./user/queries.ts";

/** Every query the core runs, one namespace per domain (each implemented in src/db/queries/). */
export interface Queries {
  readonly audit: AuditQueries;
  readonly budgets: BudgetQueries;
  readonly checkpoints: CheckpointQueries;
  readonly identity: IdentityQueries;
  readonly keys: KeyQueries;
  readonly knowledge: KnowledgeQueries;
  readonly miner: MinerQueries;
  readonly notify: NotifyQueries;
  readonly projects: ProjectQueries;
  readonly runs: RunQueries;
  readonly runbooks: RunbookQueries;
  readonly settings: SettingQueries;
  readonly streams: StreamQueries;
  readonly users: UserQueries;
}

/** The handle a write transaction receives: the same queries, run inside the transaction. */
export type Tx = Queries;

/** The audit head anchor kept outside the database (one small record, see core/audit/anchor.ts). */
export interface AnchorFile {
  /** The stored record, or null when there is none yet. */
  load(): string | null;
  /** Replaces the record in place (no rename, no fsync: it may lag the database, never lead it). */
  save(record: string): void;
}

export interface Store {
  /** Reads of committed state. Write queries here fail (read-only connection): writes go through `write`. */
  readonly read: Queries;
  /**
   * Runs `fn` as one write transaction and resolves only once it is durably committed, so nothing
   * can acknowledge a write early. Transactions never interleave. A throw rolls back `fn`'s changes
   * and rejects with it (after the commit of whatever else shared the fsync). Never call `write`
   * from inside `fn`: pass `tx` down instead (a nested call would wait on its own transaction).
   */
  write<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  /** The audit head anchor of this node. */
  readonly anchor: AnchorFile;
  /** Whether the database answers and every embedded migration is applied. */
  ready(): Promise<boolean>;
  /** Size of the database in bytes. */
  sizeBytes(): Promise<number>;
  /** Online, consistent copy of the database into `file`. */
  backupTo(file: string): Promise<void>;
  /** Committed events of the other nodes on the same database (PostgreSQL); none for SQLite. */
  readonly relay?: EventRelay;
  /**
   * Runs `fn` unless another node is running the job named `job` right now (PostgreSQL: a session
   * advisory lock), and resolves with whether it ran: periodic jobs (the checkpoint expiry sweep,
   * the retention purge) then run once however many nodes share the database. Absent for SQLite,
   * where one node holds the data dir.
   */
  exclusive?(job: string, fn: () => Promise<void>): Promise<boolean>;
  /** Request counters every node sees (PostgreSQL), for limits shared by several nodes; none for SQLite. */
  readonly sharedCounter?: SharedCounter;
  /** How many SQL statements were compiled so far (a warmed-up hot path compiles none). */
  statementsPrepared(): number;
  close(): Promise<void>;
}
