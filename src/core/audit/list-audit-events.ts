import { iso } from "../../lib/time.ts";
import type { Ctx } from "../context.ts";
import { forbidden } from "../errors.ts";
import { can } from "../roles.ts";
import { parseInput } from "../validate.ts";
import type { StoredEvent } from "./append-event.ts";
import type { AuditVisibility } from "./queries.ts";
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
    traceParent: e.traceParent ?? null,
  };
}

/**
 * Which events the caller may read (DESIGN section 4). Owner, admin, auditor: all. Lead ("own
 * projects' runs"; there is no project membership, so): every run or project event, plus their own
 * actions. Developer: events of runs they own, plus their own actions (and their agents'). Agents: none.
 */
export function auditVisibility(ctx: Ctx): AuditVisibility {
  const actor = ctx.actor;
  if (actor.kind === "system") return { kind: "all" };
  if (actor.kind === "agent") throw forbidden("plugin keys cannot read the audit trail");
  if (can(actor.role, "audit.read_all")) return { kind: "all" };
  if (can(actor.role, "audit.read_project")) return { kind: "project", userId: actor.userId };
  if (can(actor.role, "audit.read_own")) return { kind: "own", userId: actor.userId };
  throw forbidden("your role cannot read the audit trail");
}

/** An event in the explorer: the acting person's name beside the opaque id. */
export type AuditListItem = AuditEventView & { actorName: string | null };

/** One page of the trail, newest first, filtered and limited to what the caller may see, with how many events match in all. */
export async function listAuditEvents({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<{ events: AuditListItem[]; total: number; nextCursor: string | null }> {
  const query = parseInput(AuditQuery, input ?? {});
  const visibility = auditVisibility(ctx);
  const limit = query.limit ?? DEFAULT_LIMIT;
  const filter = {
    visibility,
    type: query.type ?? null,
    actor: query.actor ?? null,
    runId: query.run ?? null,
    projectId: query.project ?? null,
    since: query.since ?? null,
    until: query.until ?? null,
  };
  const [rows, total] = await Promise.all([ctx.store.read.audit.page({ ...filter, beforeSeq: query.cursor ?? null, limit: limit + 1 }), ctx.store.read.audit.countMatching(filter)]);
  const page = rows.slice(0, limit);
  const userIds = [...new Set(page.map((e) => e.actorUserId).filter((id): id is string => id !== null))];
  const names = new Map((await ctx.store.read.users.namesOf(userIds)).map((u) => [u.id, u.name]));
  const events = page.map((e) => ({ ...toAuditEventView(e), actorName: e.actorUserId ? names.get(e.actorUserId) ?? null : null }));
  return { events, total, nextCursor: rows.length > limit ? String(page[page.length - 1]!.seq) : null };
}
