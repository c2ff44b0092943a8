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
      if (value === undefined || before[key as keyof Settings] === value) continue;
      const updatedBy = ctx.actor.kind === "human" ? ctx.actor.userId : null;
      await tx.settings.put({ key, value, updatedAt: now, updatedBy });
      changed.push(key);
    }
    if (changed.length > 0) await record({ type: "settings.changed", meta: { keys: changed, ...Object.fromEntries(changed.map((k) => [k, patch[k as keyof Settings] as string | number])) } });
    return await getSettings(tx);
  });
}
