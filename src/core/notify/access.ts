import type { Ctx } from "../context.ts";
import { forbidden, notFound } from "../errors.ts";
import type { Role } from "../roles.ts";
import type { Queries } from "../store.ts";
import type { ChannelRow, DeliveryCounts } from "./queries.ts";
import type { ChannelView } from "./schemas.ts";

/** Who configures notification channels (DESIGN §10): the owner and admins. */
const CHANNEL_MANAGERS: readonly Role[] = ["owner", "admin"];

/** The acting person, when they may manage channels; anyone else is refused. */
export function requireChannelManager(ctx: Ctx): { userId: string; role: Role } {
  const actor = ctx.actor;
  if (actor.kind !== "human") throw forbidden("notification channels are configured by people in the web app");
  if (!CHANNEL_MANAGERS.includes(actor.role)) throw forbidden("only the owner or an admin configures notification channels");
  return { userId: actor.userId, role: actor.role };
}

export async function loadChannel(q: Pick<Queries, "notify">, id: string): Promise<ChannelRow> {
  const row = await q.notify.channel(id);
  if (!row) throw notFound(`channel '${id}'`);
  return row;
}

/** Where a stored channel sends, as may be shown. */
export function destinationOf(row: ChannelRow): string {
  const c = row.config;
  switch (row.kind) {
    case "webhook":
    case "ntfy": {
      const url = new URL(c.url as string);
      return `${url.origin}${url.pathname}`;
    }
    case "slack":
    case "teams":
      return `${c.origin as string}/…`;
    case "email":
      return `smtp://${c.host as string}:${c.port as number} (${c.security === "none" ? "no TLS" : c.security === "tls" ? "TLS" : "STARTTLS"})`;
  }
}

/** A channel as the API shows it: no secret, only whether one is set. */
export function channelView(row: ChannelRow, slugs: ReadonlyMap<string, string>, counts: readonly DeliveryCounts[]): ChannelView {
  const n = (status: string) => counts.find((c) => c.channelId === row.id && c.status === status)?.n ?? 0;
  return {
    id: row.id, name: row.name, kind: row.kind, enabled: row.enabled, events: row.events,
    projects: row.projectIds.map((id) => slugs.get(id) ?? id), audienceRole: row.audienceRole, personal: row.personal,
    allowPrivateNetwork: row.allowPrivateNetwork, destination: destinationOf(row), config: { ...row.config }, secretSet: row.secretSealed !== null,
    createdAt: row.createdAt, updatedAt: row.updatedAt, deliveries: { pending: n("pending"), delivered: n("delivered"), failed: n("failed") },
  };
}

/** Project id → slug, for showing a channel's projects. */
export async function projectSlugs(q: Pick<Queries, "projects">): Promise<Map<string, string>> {
  return new Map((await q.projects.list()).map((p) => [p.id, p.slug]));
}
