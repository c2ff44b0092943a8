import { z } from "zod";
import { EVENT_TYPES, type EventType } from "./registry.ts";

const EVENT_TYPE_NAMES = Object.keys(EVENT_TYPES) as [EventType, ...EventType[]];

/** A time filter: ISO-8601 text or milliseconds since the epoch. */
export const AuditTime = z.union([
  z.string().max(40).regex(/^\d{1,15}$/).transform(Number),
  z.string().max(40).regex(/^\d{4}-\d{2}-\d{2}([T ][0-9:.]+(Z|[+-]\d{2}:?\d{2})?)?$/, "use ISO-8601 (2026-01-31 or 2026-01-31T12:00:00Z) or epoch milliseconds")
    .transform((text, ctx) => {
      const ms = Date.parse(text);
      if (Number.isNaN(ms)) {
        ctx.addIssue({ code: "custom", message: "not a valid date" });
        return z.NEVER;
      }
      return ms;
    }),
]);

/** `GET /api/audit` filters; cursor is the last seq of the previous page (pages go newest first). */
export const AuditQuery = z.strictObject({
  type: z.enum(EVENT_TYPE_NAMES).optional(),
  /** A user id (human actions and that user's agents) or a key id. */
  actor: z.string().max(64).regex(/^(usr|key)_[0-9A-Za-z]{20}$/, "a user id (usr_…) or key id (key_…)").optional(),
  run: z.string().max(64).regex(/^run_[0-9A-Za-z]{20}$/, "a run id (run_…)").optional(),
  project: z.string().max(64).regex(/^prj_[0-9A-Za-z]{20}$/, "a project id (prj_…)").optional(),
  since: AuditTime.optional(),
  until: AuditTime.optional(),
  cursor: z.string().max(20).regex(/^\d{1,15}$/, "a cursor from a previous page").transform(Number).optional(),
  limit: z.string().max(4).regex(/^\d{1,4}$/).transform(Number).pipe(z.int().min(1).max(500)).optional(),
});
export type AuditQuery = z.infer<typeof AuditQuery>;

/** `GET /api/audit/export`: the format and the same filters as the explorer (an export holds exactly what is filtered). */
export const AuditExportInput = z.strictObject({
  format: z.enum(["jsonl", "csv"]).optional(),
  type: AuditQuery.shape.type,
  actor: AuditQuery.shape.actor,
  run: AuditQuery.shape.run,
  project: AuditQuery.shape.project,
  since: AuditTime.optional(),
  until: AuditTime.optional(),
});

/** One event as it leaves the core. `meta` is parsed back to its object form. */
export interface AuditEventView {
  seq: number;
  at: string;
  type: string;
  actor: { kind: "human" | "agent" | "system"; id: string | null; userId: string | null };
  runId: string | null;
  projectId: string | null;
  subject: string | null;
  meta: Record<string, unknown>;
  prevHash: string;
  hash: string;
  /** The W3C traceparent of the MCP request that caused the event (covered by the hash when present). */
  traceParent: string | null;
}
