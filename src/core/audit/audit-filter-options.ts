import type { Ctx } from "../context.ts";
import { EVENT_TYPES } from "./registry.ts";
import { auditVisibility } from "./list-audit-events.ts";

/** What the audit explorer's filters offer: every event type with its description, and the people to pick as actor. */
export interface AuditFilterOptions {
  types: { type: string; description: string }[];
  people: { id: string; name: string }[];
}

/**
 * The explorer's choices for anyone who may read the trail: all registered event types (not a
 * hand-picked few) and people by name (no emails), so nobody has to type a `usr_…` id.
 */
export async function auditFilterOptions({ ctx }: { ctx: Ctx }): Promise<AuditFilterOptions> {
  auditVisibility(ctx);
  const people = (await ctx.store.read.users.listLive()).map((u) => ({ id: u.id, name: u.name })).sort((a, b) => a.name.localeCompare(b.name));
  const types = Object.entries(EVENT_TYPES).map(([type, description]) => ({ type, description }));
  return { types, people };
}
