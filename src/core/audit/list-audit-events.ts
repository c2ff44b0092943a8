import { and, desc, eq, gte, inArray, isNotNull, lt, or, type SQL } from "drizzle-orm";
import { auditEvents, runs } from "../../db/schema/index.ts";
import { iso } from "../../lib/time.ts";
import type { Ctx } from "../context.ts";
import { forbidden } from "../errors.ts";
import { can } from "../roles.ts";
import { parseInput } from "../validate.ts";
import type { StoredEvent } from "./append-event.ts";
import { AuditQuery, type AuditEventView } from "./schemas.ts";

const DEFAULT_LIMIT = 100;

export function toAuditEventView(e: StoredEvent): AuditEventView {
  let meta: Record<string, unknown> = {};
  try {
    meta = JSON.parse(e.meta) as Record<string, unknown>;
  } catch {
    // A damaged row still lists; `railyard audit verify` is what reports it.
  }
  return {
    seq: e.seq,
    at: iso(e.at),
    type: e.type,
    actor: { kind: e.actorKind, id: e.actorId, userId: e.actorUserId },
    runId: e.runId,
    projectId: e.projectId,
    subject: e.subject,
    meta,
    prevHash: e.prevHash,
    hash: e.hash,
  };
}

/**
 * Which events the caller may read (DESIGN section 4). Owner, admin, auditor: all. Lead ("own
 * projects' runs"; there is no project membership, so): every run or project event, plus their own
 * actions. Developer: events of runs they own, plus their own actions (and their agents'). Agents: none.
 */
export function auditVisibility(ctx: Ctx): SQL | undefined {
  const actor = ctx.actor;
  if (actor.kind === "system") return undefined;
  if (actor.kind === "agent") throw forbidden("plugin keys cannot read the audit trail");
  if (can(actor.role, "audit.read_all")) return undefined;
  const ownActions = eq(auditEvents.actorUserId, actor.userId);
  if (can(actor.role, "audit.read_project")) return or(isNotNull(auditEvents.runId), isNotNull(auditEvents.projectId), ownActions);
  if (can(actor.role, "audit.read_own")) {
    const ownRuns = ctx.store.read.select({ id: runs.id }).from(runs).where(eq(runs.ownerUserId, actor.userId));
    return or(ownActions, inArray(auditEvents.runId, ownRuns));
  }
  throw forbidden("your role cannot read the audit trail");
}

/** One page of the trail, newest first, filtered and limited to what the caller may see. */
export function listAuditEvents({ ctx, input }: { ctx: Ctx; input: unknown }): { events: AuditEventView[]; nextCursor: string | null } {
  const query = parseInput(AuditQuery, input ?? {});
  const conditions: (SQL | undefined)[] = [auditVisibility(ctx)];
  if (query.type) conditions.push(eq(auditEvents.type, query.type));
  if (query.actor) conditions.push(or(eq(auditEvents.actorId, query.actor), eq(auditEvents.actorUserId, query.actor)));
  if (query.run) conditions.push(eq(auditEvents.runId, query.run));
  if (query.project) conditions.push(eq(auditEvents.projectId, query.project));
  if (query.since !== undefined) conditions.push(gte(auditEvents.at, query.since));
  if (query.until !== undefined) conditions.push(lt(auditEvents.at, query.until));
  if (query.cursor !== undefined) conditions.push(lt(auditEvents.seq, query.cursor));
  const limit = query.limit ?? DEFAULT_LIMIT;
  const rows = ctx.store.read.select().from(auditEvents).where(and(...conditions)).orderBy(desc(auditEvents.seq)).limit(limit + 1).all() as StoredEvent[];
  const page = rows.slice(0, limit);
  return { events: page.map(toAuditEventView), nextCursor: rows.length > limit ? String(page[page.length - 1]!.seq) : null };
}
