import { z } from "zod";
import { idPattern } from "../../lib/ids.ts";
import type { Ctx } from "../context.ts";
import { forbidden, notFound } from "../errors.ts";
import { can } from "../roles.ts";
import { parseInput } from "../validate.ts";
import { toUserView, type UserView } from "./schemas.ts";

const GetUserInput = z.strictObject({ id: z.string().max(32).regex(idPattern("usr"), "not a user id") });

/** One person: oneself, or anyone for roles that manage people. */
export async function getUser({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<UserView> {
  const { id } = parseInput(GetUserInput, input);
  const actor = ctx.actor;
  const self = actor.kind !== "system" && actor.userId === id;
  if (!self && actor.kind !== "system" && (actor.kind === "agent" || !can(actor.role, "users.manage"))) throw forbidden("your role cannot see other people");
  const row = await ctx.store.read.users.byId(id);
  if (!row || row.erasedAt !== null) throw notFound("user");
  return toUserView(row);
}
