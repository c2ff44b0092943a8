import type { Ctx } from "../context.ts";
import { forbidden } from "../errors.ts";
import { can } from "../roles.ts";
import { transact } from "../transact.ts";
import { parseInput } from "../validate.ts";
import { getSettings } from "./get-settings.ts";
import { SettingsPatch, type Settings } from "./schemas.ts";

/** Changes owner settings (owner only); records which keys changed, with their new values. */
export async function updateSettings({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<Settings> {
  if (ctx.actor.kind !== "system" && (ctx.actor.kind !== "human" || !can(ctx.actor.role, "settings.manage"))) {
    throw forbidden("only the owner can change settings");
  }
  const patch = parseInput(SettingsPatch, input);
  const now = ctx.clock.now();
  return transact(ctx, async (tx, record) => {
    const changed: string[] = [];
    const before = await getSettings(tx);
    for (const [key, value] of Object.entries(patch)) {
      if (value === undefined || JSON.stringify(before[key as keyof Settings]) === JSON.stringify(value)) continue;
      const updatedBy = ctx.actor.kind === "human" ? ctx.actor.userId : null;
      await tx.settings.put({ key, value, updatedAt: now, updatedBy });
      changed.push(key);
    }
    // Metadata is flat: a list of rules is recorded as how many there are now.
    const metaValue = (k: string) => {
      const v = patch[k as keyof Settings];
      return Array.isArray(v) ? v.length : (v as string | number);
    };
    if (changed.length > 0) await record({ type: "settings.changed", meta: { keys: changed, ...Object.fromEntries(changed.map((k) => [k, metaValue(k)])) } });
    return await getSettings(tx);
  });
}
