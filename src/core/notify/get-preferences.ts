import type { Ctx } from "../context.ts";
import { forbidden, notFound } from "../errors.ts";
import type { Queries } from "../store.ts";
import { DEFAULT_KINDS, type PreferencesView } from "./schemas.ts";

/** The signed-in person's human id, or a refusal (agents have no notification preferences). */
export function requirePerson(ctx: Ctx): string {
  if (ctx.actor.kind !== "human") throw forbidden("notification preferences belong to a signed-in person");
  return ctx.actor.userId;
}

export async function preferencesOf(q: Pick<Queries, "notify" | "users">, userId: string): Promise<PreferencesView> {
  const [row, user, channels] = await Promise.all([q.notify.preference(userId), q.users.byId(userId), q.notify.channels()]);
  if (!user) throw notFound("user");
  const personal = channels.filter((c) => c.enabled && c.personal);
  return {
    events: row?.events ?? [...DEFAULT_KINDS], email: row?.email ?? true, ntfyTopic: row?.ntfyTopic ?? null,
    available: { email: personal.some((c) => c.kind === "email"), ntfy: personal.some((c) => c.kind === "ntfy") }, emailAddress: user.email,
  };
}

/** What the signed-in person receives, and on which personal channels. */
export async function getPreferences({ ctx }: { ctx: Ctx }): Promise<PreferencesView> {
  return preferencesOf(ctx.store.read, requirePerson(ctx));
}
