import type { Logger } from "pino";
import type { Metrics } from "../lib/metrics.ts";
import type { Clock } from "../lib/time.ts";
import type { SsoServices } from "./identity/port.ts";
import type { KeyRateLimiter, SharedKeyRateLimiter } from "./key/rate-limiter.ts";
import type { KeyUsage } from "./key/key-usage.ts";
import type { Role } from "./roles.ts";
import type { Store } from "./store.ts";

/** Who is acting: a person (session), an agent (plugin key, acting for its user), or the system. */
export type Actor =
  | { readonly kind: "human"; readonly userId: string; readonly role: Role }
  | { readonly kind: "agent"; readonly keyId: string; readonly userId: string; readonly role: Role }
  | { readonly kind: "system"; readonly clientAddress?: string };

export const SYSTEM: Actor = Object.freeze({ kind: "system" });

/** A finding from the PII/secret scanner as the core sees it (kind and position, never the value). */
export interface ScanFinding {
  readonly kind: string;
  readonly category: "pii" | "secret" | "code";
  readonly start: number;
  readonly end: number;
}

/** Process-wide services, built once by the composition root and shared by every request. */
export interface Services {
  readonly store: Store;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Keys the audit chain and fingerprints; from the data dir, never the database. */
  readonly auditKey: Uint8Array;
  /** Signs session tokens. */
  readonly sessionKey: Uint8Array;
  readonly scan: (text: string) => readonly ScanFinding[];
  readonly bus: EventBus;
  /** Per-key request budgets (one per running app, built by the composition root). */
  readonly keyRateLimiter: KeyRateLimiter | SharedKeyRateLimiter;
  /** Per-key request counts and clients between their writes (one per running app). */
  readonly keyUsage: KeyUsage;
  /** A bcrypt hash of a random password (computed once per app), checked for unknown accounts at sign-in. */
  readonly dummyPasswordHash: () => Promise<string>;
  /** Counters and latencies for /metrics (recorded by the edges). */
  readonly metrics: Metrics;
  /** Single sign-on: the OIDC and LDAP clients and the provider given by flags. */
  readonly sso: SsoServices;
  /** Aborted when the process begins shutting down: live-update streams end and long polls answer now. */
  readonly shutdown: AbortSignal;
  readonly options: {
    readonly checkpointExpiryMs: number;
    readonly keyRateLimitPerMinute: number;
  };
}

/** The context every core verb receives explicitly: the services plus the acting party. */
export interface Ctx extends Services {
  readonly actor: Actor;
  /** The W3C traceparent of the MCP request being served (validated), stored on the events it causes. */
  readonly traceParent?: string | null;
}

export function withActor(services: Services, actor: Actor): Ctx {
  return { ...services, actor };
}

/** In-process publish/subscribe of committed audit events (live updates in the web app, long polls). */
export interface EventBus {
  publish(event: PublishedEvent): void;
  subscribe(listener: (event: PublishedEvent) => void): () => void;
}

export interface PublishedEvent {
  readonly seq: number;
  readonly at: number;
  readonly type: string;
  readonly runId: string | null;
  readonly projectId: string | null;
  readonly subject: string | null;
  /** The event's chain hash (the head anchor follows it). */
  readonly hash: string;
  /** False for all but the last event a transaction committed (listeners that need only the head skip the rest). */
  readonly lastInCommit?: boolean;
}

/**
 * Carries committed events between nodes on one database (PostgreSQL's LISTEN/NOTIFY), so a
 * decision made on one node wakes the long polls and live updates of the others.
 */
export interface EventRelay {
  /** Hands this node's committed events to the other nodes (best effort, never blocks). */
  send(event: PublishedEvent): void;
  /** Delivers the other nodes' committed events. */
  listen(deliver: (event: PublishedEvent) => void): void;
}

export function createEventBus(relay?: EventRelay): EventBus {
  const listeners = new Set<(event: PublishedEvent) => void>();
  const deliver = (event: PublishedEvent) => {
    for (const listener of listeners) {
      try {
        listener(event);
      } catch {
        // A failing listener must not stop the others or the writer.
      }
    }
  };
  relay?.listen(deliver);
  return {
    publish(event) {
      deliver(event);
      relay?.send(event);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
