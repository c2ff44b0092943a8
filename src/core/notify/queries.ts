// The notification queries the core needs (interface only; src/db/queries/notify.ts implements them).
import type { Role } from "../roles.ts";

export type ChannelKind = "webhook" | "slack" | "teams" | "ntfy" | "email";
export type DeliveryStatus = "pending" | "delivered" | "failed";

export interface ChannelRow {
  id: string;
  name: string;
  kind: ChannelKind;
  enabled: boolean;
  events: string[];
  projectIds: string[];
  audienceRole: Role;
  personal: boolean;
  allowPrivateNetwork: boolean;
  config: Record<string, unknown>;
  secretSealed: string | null;
  createdAt: number;
  updatedAt: number;
  updatedBy: string | null;
}

export interface PreferenceRow {
  userId: string;
  events: string[];
  email: boolean;
  ntfyTopic: string | null;
  updatedAt: number;
}

export interface OutboxRow {
  id: string;
  kind: string;
  eventSeq: number | null;
  runId: string | null;
  projectId: string | null;
  checkpointId: string | null;
  meta: Record<string, unknown>;
  dedupeKey: string | null;
  occurredAt: number;
  expandedAt: number | null;
}

export interface DeliveryRow {
  id: string;
  outboxId: string;
  channelId: string;
  userId: string | null;
  address: string | null;
  dedupe: string;
  kind: string;
  message: Record<string, unknown>;
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: number;
  leaseUntil: number;
  lastError: string | null;
  lastAttemptAt: number | null;
  deliveredAt: number | null;
  createdAt: number;
}

/** A person who may receive notifications, with their stored preferences (null: the defaults). */
export interface RecipientRow {
  id: string;
  email: string;
  name: string;
  role: Role;
  prefEvents: string[] | null;
  prefEmail: boolean | null;
  prefNtfyTopic: string | null;
}

/** What a message says about its run, in one lookup. */
export interface RunContextRow {
  runId: string;
  title: string;
  ownerUserId: string;
  ownerName: string;
  projectId: string;
  projectSlug: string;
  projectName: string;
}

/** A pending checkpoint about to expire that has no "expiring soon" notification yet. */
export interface ExpiringRow {
  checkpointId: string;
  runId: string;
  projectId: string;
  expiresAt: number;
}

export interface DeliveryCounts {
  channelId: string;
  status: DeliveryStatus;
  n: number;
}

export interface NotifyQueries {
  channels(): Promise<ChannelRow[]>;
  channel(id: string): Promise<ChannelRow | undefined>;
  /** Whether any enabled channel exists (no channel: no outbox row is written at all). */
  anyEnabledChannel(): Promise<boolean>;
  insertChannel(row: ChannelRow): Promise<void>;
  updateChannel(row: ChannelRow): Promise<void>;
  /** Deletes the channel and its deliveries. */
  deleteChannel(id: string): Promise<void>;
  countChannels(): Promise<number>;

  preference(userId: string): Promise<PreferenceRow | undefined>;
  putPreference(row: PreferenceRow): Promise<void>;
  /** Every enabled, not erased person with their preferences. */
  recipients(): Promise<RecipientRow[]>;
  runContext(runId: string): Promise<RunContextRow | undefined>;

  insertOutbox(row: OutboxRow): Promise<void>;
  /** Inserts unless a row with the same dedupe key exists; returns whether it inserted. */
  insertOutboxOnce(row: OutboxRow): Promise<boolean>;
  unexpanded(limit: number): Promise<OutboxRow[]>;
  /** Marks an outbox row expanded; false when another worker already did. */
  markExpanded(id: string, now: number): Promise<boolean>;
  expiringWithout(now: number, horizon: number, limit: number): Promise<ExpiringRow[]>;

  /** Inserts unless the same (outbox, channel, person) delivery exists. */
  insertDelivery(row: DeliveryRow): Promise<void>;
  delivery(id: string): Promise<DeliveryRow | undefined>;
  /** Pending deliveries due at `now` whose lease (if any) ran out, oldest first. */
  dueDeliveries(now: number, limit: number): Promise<DeliveryRow[]>;
  /** The earliest time a pending delivery becomes due (its next attempt or the end of its lease). */
  nextDueAt(): Promise<number | null>;
  /** Takes the lease of a due delivery and counts the attempt; false when another worker holds it. */
  claimDelivery(id: string, now: number, leaseUntil: number): Promise<boolean>;
  markDelivered(id: string, now: number): Promise<void>;
  markAttemptFailed(id: string, update: { status: DeliveryStatus; nextAttemptAt: number; lastError: string; now: number }): Promise<void>;
  deliveryCounts(): Promise<DeliveryCounts[]>;
  /** A channel's deliveries, newest first, optionally of one status, after a keyset position. */
  channelDeliveries(channelId: string, status: DeliveryStatus | null, before: { createdAt: number; id: string } | null, limit: number): Promise<DeliveryRow[]>;
  countChannelDeliveries(channelId: string, status: DeliveryStatus | null): Promise<number>;
  /** Forgets finished outbox rows and deliveries older than `before`; returns how many deliveries went. */
  prune(before: number): Promise<number>;
}
