import type { Ctx } from "../context.ts";
import { forbidden } from "../errors.ts";
import { can } from "../roles.ts";

/** Reading destinations and their lag: the roles that read the whole trail (owner, admin, auditor), and the system. */
export function requireStreamReader(ctx: Ctx): void {
  const actor = ctx.actor;
  if (actor.kind === "system") return;
  if (actor.kind === "agent" || !can(actor.role, "audit.read_all")) throw forbidden("only the owner, admins and auditors can see audit-stream destinations");
}

/** Adding, changing and removing destinations: the owner (and the system, for start flags). */
export function requireStreamManager(ctx: Ctx): void {
  const actor = ctx.actor;
  if (actor.kind === "system") return;
  if (actor.kind === "agent" || !can(actor.role, "settings.manage")) throw forbidden("only the owner can configure audit-stream destinations");
}
