import type { Ctx } from "../context.ts";
import { forbidden } from "../errors.ts";
import { can } from "../roles.ts";
import { toUserView, type UserView } from "./schemas.ts";

/** Everyone (erased profiles left out), for roles that manage people. */
export async function listUsers({ ctx }: { ctx: Ctx }): Promise<UserView[]> {
  if (ctx.actor.kind === "agent" || (ctx.actor.kind === "human" && !can(ctx.actor.role, "users.manage"))) throw forbidden("your role cannot see the people list");
  return (await ctx.store.read.users.listLive()).map(toUserView);
}
