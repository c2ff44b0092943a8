import type { Ctx } from "../context.ts";
import { forbidden, invalid } from "../errors.ts";
import { projectBySlug } from "../run/access.ts";
import { transact } from "../transact.ts";
import { parseInput } from "../validate.ts";
import { channelView, loadChannel, projectSlugs, requireChannelManager } from "./access.ts";
import { buildChannelConfig, changesDestination, fieldsOf, isSecretField, openSecrets, refuseForeignFields, sealSecrets } from "./channel-config.ts";
import type { ChannelRow } from "./queries.ts";
import { ChannelId, PatchChannelInput, type ChannelView } from "./schemas.ts";

/**
 * Changes a channel. Secrets omitted stay as they are (they are never read back); null removes an
 * optional one. Only the owner sets or clears the loopback permission, and only the owner moves a
 * channel that has it to another destination.
 */
export async function updateChannel({ ctx, input }: { ctx: Ctx; input: { id: unknown; patch: unknown } }): Promise<ChannelView> {
  const actor = requireChannelManager(ctx);
  const id = parseInput(ChannelId, input.id);
  const patch = parseInput(PatchChannelInput, input.patch) as Record<string, unknown>;
  const changed = Object.keys(patch).filter((k) => patch[k] !== undefined);
  if (changed.length === 0) throw invalid("nothing to change");
  const now = ctx.clock.now();
  return transact(ctx, async (tx, record) => {
    const row = await loadChannel(tx, id);
    refuseForeignFields(row.kind, patch);
    const allowLocal = (patch.allowPrivateNetwork as boolean | undefined) ?? row.allowPrivateNetwork;
    if (actor.role !== "owner") {
      if (patch.allowPrivateNetwork !== undefined && patch.allowPrivateNetwork !== row.allowPrivateNetwork) throw forbidden("only the owner may change whether a channel reaches loopback or link-local addresses");
      if (row.allowPrivateNetwork && changesDestination(row.kind, patch)) throw forbidden("this channel may reach loopback addresses: only the owner changes its destination");
    }
    const merged = { ...fieldsOf(row.kind, row.config, openSecrets(ctx.auditKey, row.id, row.secretSealed)) } as Record<string, unknown>;
    for (const key of changed) merged[key] = patch[key];
    const events = (patch.events as string[] | undefined) ?? row.events;
    const personal = ((patch.personal as boolean | undefined) ?? row.personal) && (row.kind === "email" || row.kind === "ntfy");
    const built = buildChannelConfig(row.kind, merged as never, allowLocal, { events, personal });
    let projectIds = row.projectIds;
    if (patch.projects !== undefined) {
      projectIds = [];
      for (const slug of patch.projects as string[]) projectIds.push((await projectBySlug(tx, slug)).id);
    }
    const next: ChannelRow = {
      ...row, name: (patch.name as string | undefined) ?? row.name, enabled: (patch.enabled as boolean | undefined) ?? row.enabled, events, projectIds,
      audienceRole: (patch.audienceRole as ChannelRow["audienceRole"] | undefined) ?? row.audienceRole, personal, allowPrivateNetwork: allowLocal,
      config: built.config, secretSealed: sealSecrets(ctx.auditKey, row.id, built.secrets), updatedAt: now, updatedBy: actor.userId,
    };
    await tx.notify.updateChannel(next);
    // Names of what changed, never a value that could be a secret.
    await record({ type: "channel.changed", subject: row.id, meta: { kind: row.kind, fields: changed, secretChanged: changed.some((f) => isSecretField(f) && (f !== "url" || row.kind === "slack" || row.kind === "teams")), enabled: next.enabled, allowPrivateNetwork: allowLocal } });
    const counts = (await tx.notify.deliveryCounts()).filter((c) => c.channelId === row.id);
    return channelView(next, await projectSlugs(tx), counts);
  });
}
