import { newId } from "../../lib/ids.ts";
import type { Ctx } from "../context.ts";
import { conflict, forbidden } from "../errors.ts";
import { projectBySlug } from "../run/access.ts";
import { refuse, transact } from "../transact.ts";
import { parseInput } from "../validate.ts";
import { channelView, projectSlugs, requireChannelManager } from "./access.ts";
import { buildChannelConfig, refuseForeignFields, sealSecrets } from "./channel-config.ts";
import type { ChannelRow } from "./queries.ts";
import { CreateChannelInput, DEFAULT_KINDS, MAX_CHANNELS, type ChannelView } from "./schemas.ts";

/** An owner or admin adds a notification channel; reaching a loopback or link-local address needs the owner. */
export async function createChannel({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<ChannelView> {
  const actor = requireChannelManager(ctx);
  const data = parseInput(CreateChannelInput, input);
  refuseForeignFields(data.kind, data as Record<string, unknown>);
  const allowLocal = data.allowPrivateNetwork ?? false;
  if (allowLocal && actor.role !== "owner") throw forbidden("only the owner may allow a channel to reach loopback or link-local addresses");
  const events = data.events ?? (data.kind === "email" && data.personal && !data.to?.length ? [] : [...DEFAULT_KINDS]);
  const personal = (data.personal ?? false) && (data.kind === "email" || data.kind === "ntfy");
  const built = buildChannelConfig(data.kind, data as Record<string, unknown>, allowLocal, { events, personal });
  const now = ctx.clock.now();
  const id = newId("chn");
  return transact(ctx, async (tx, record) => {
    if ((await tx.notify.countChannels()) >= MAX_CHANNELS) refuse(conflict(`a workspace keeps at most ${MAX_CHANNELS} channels; delete one first`));
    const projectIds: string[] = [];
    for (const slug of data.projects ?? []) projectIds.push((await projectBySlug(tx, slug)).id);
    const row: ChannelRow = {
      id, name: data.name, kind: data.kind, enabled: data.enabled ?? true, events, projectIds, audienceRole: data.audienceRole ?? "developer",
      personal, allowPrivateNetwork: allowLocal, config: built.config, secretSealed: sealSecrets(ctx.auditKey, id, built.secrets),
      createdAt: now, updatedAt: now, updatedBy: actor.userId,
    };
    await tx.notify.insertChannel(row);
    await record({ type: "channel.created", subject: id, meta: { kind: row.kind, enabled: row.enabled, personal, allowPrivateNetwork: allowLocal, events: row.events } });
    return channelView(row, await projectSlugs(tx), []);
  });
}
