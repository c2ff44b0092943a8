import { asc, isNull } from "drizzle-orm";
import { users } from "../../db/schema/index.ts";
import type { Ctx } from "../context.ts";
import { forbidden } from "../errors.ts";
import { can } from "../roles.ts";
import { toUserView, type UserView } from "./schemas.ts";

/** Everyone (erased profiles left out), for roles that manage people. */
export function listUsers({ ctx }: { ctx: Ctx }): UserView[] {
  if (ctx.actor.kind === "agent" || (ctx.actor.kind === "human" && !can(ctx.actor.role, "users.manage"))) throw forbidden("your role cannot see the people list");
  return ctx.store.read.select().from(users).where(isNull(users.erasedAt)).orderBy(asc(users.email)).all().map(toUserView);
}
