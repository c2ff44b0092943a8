import type { Ctx } from "../context.ts";
import { transact } from "../transact.ts";
import { parseInput } from "../validate.ts";
import { preferencesOf, requirePerson } from "./get-preferences.ts";
import { PreferencesInput, type PreferencesView } from "./schemas.ts";

/** A person chooses which events reach them and on which personal channels (their email, an ntfy topic). */
export async function updatePreferences({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<PreferencesView> {
  const userId = requirePerson(ctx);
  const data = parseInput(PreferencesInput, input);
  const now = ctx.clock.now();
  return transact(ctx, async (tx, record) => {
    const current = await preferencesOf(tx, userId);
    const next = { userId, events: data.events ? [...new Set(data.events)] : current.events, email: data.email ?? current.email, ntfyTopic: data.ntfyTopic === undefined ? current.ntfyTopic : data.ntfyTopic, updatedAt: now };
    await tx.notify.putPreference(next);
    await record({ type: "notification.preferences_changed", subject: userId, meta: { events: next.events, email: next.email, ntfy: next.ntfyTopic !== null } });
    return { ...current, events: next.events, email: next.email, ntfyTopic: next.ntfyTopic };
  });
}
