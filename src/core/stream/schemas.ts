import { z } from "zod";
import { idPattern } from "../../lib/ids.ts";
import type { StreamKind } from "../../lib/stream-url.ts";

/** An event type, or a family of them written as a prefix and `*` (`run.*`). */
const EventTypeFilter = z.string().max(64).regex(/^[a-z_]+(\.[a-z_]+)?(\.\*)?$|^[a-z_]+\.\*$/, "an event type (run.started) or a family (run.*)");
const ProjectId = z.string().max(64).regex(idPattern("prj"), "a project id (prj_…)");
/** PEM text of the CA certificate(s) the receiver's certificate chains to. */
const CaPem = z.string().max(32_768);

/** `POST /api/audit-streams`. */
export const StreamCreateInput = z.strictObject({
  name: z.string().trim().min(1).max(80),
  /** tcp://host:port, tls://host:port (syslog RFC 5424) or http(s)://collector:4318 (OTLP/HTTP logs). */
  url: z.string().max(500),
  caPem: CaPem.nullable().optional(),
  eventTypes: z.array(EventTypeFilter).max(100).optional(),
  projectIds: z.array(ProjectId).max(100).optional(),
  enabled: z.boolean().optional(),
  /** Where delivery begins: the oldest event still retained (default) or the next new one. */
  startAt: z.enum(["oldest", "next"]).optional(),
});

/** `PATCH /api/audit-streams/:id`. */
export const StreamPatchInput = z.strictObject({
  name: z.string().trim().min(1).max(80).optional(),
  url: z.string().max(500).optional(),
  caPem: CaPem.nullable().optional(),
  eventTypes: z.array(EventTypeFilter).max(100).optional(),
  projectIds: z.array(ProjectId).max(100).optional(),
  enabled: z.boolean().optional(),
});

export const StreamIdInput = z.strictObject({ id: z.string().max(64).regex(idPattern("ast"), "a destination id (ast_…)") });

/** A destination as Settings and the API show it, with its cursor and lag. */
export interface StreamView {
  id: string;
  name: string;
  kind: StreamKind;
  url: string;
  caPem: string | null;
  eventTypes: string[];
  projectIds: string[];
  enabled: boolean;
  /** "flag": configured by --audit-syslog / --audit-otlp (change the flag, not the API). */
  source: "api" | "flag";
  /** The last seq the receiver acknowledged. */
  ackedSeq: number;
  ackedAt: number | null;
  /** Events sent and acknowledged since the destination was created (filtered-out events not counted). */
  delivered: number;
  /** Consecutive failed attempts; 0 while healthy. */
  failures: number;
  lastError: string | null;
  lastErrorAt: number | null;
  /** The next attempt after a failure (ms), or null when none is waiting. */
  retryAt: number | null;
  lag: StreamLag;
  createdAt: number;
  updatedAt: number;
}

/** How far a destination is behind the trail: events after its cursor, and the age of the oldest of them. */
export interface StreamLag {
  events: number;
  seconds: number;
}
