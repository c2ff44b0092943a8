import { newId } from "../../lib/ids.ts";
import { atLeast, can, type Role } from "../roles.ts";
import { maskText, scopeManifest, type ScopeManifest } from "../scope/manifest.ts";
import type { Tx } from "../store.ts";
import { renderMessage, type NotifyMessage } from "./message.ts";
import type { ChannelRow, DeliveryRow, OutboxRow, RecipientRow, RunContextRow } from "./queries.ts";
import { DEFAULT_KINDS } from "./schemas.ts";

/** Who a notification kind is for, among the people (team channels get every kind they subscribed to). */
function audience(kind: string, people: readonly RecipientRow[], run: RunContextRow | undefined, requiredRole: Role | null): RecipientRow[] {
  // Budgets and runbook proposals are for the people who decide on them: owners, admins and leads.
  if (kind === "budget.threshold" || kind === "runbook.proposal") return people.filter((p) => can(p.role, "checkpoints.decide"));
  if (!run) return [];
  switch (kind) {
    case "checkpoint.requested":
    case "checkpoint.expiring":
      // The people who may decide it: never the run's owner (four eyes).
      return people.filter((p) => p.id !== run.ownerUserId && can(p.role, "checkpoints.decide") && atLeast(p.role, requiredRole ?? "lead"));
    case "checkpoint.decided":
    case "run.failed":
    case "run.blocked":
      return people.filter((p) => p.id === run.ownerUserId);
    case "scope.violation":
    case "drift.detected":
      // Opt-in, for the run's owner and the people who see runs unmasked.
      return people.filter((p) => p.id === run.ownerUserId || can(p.role, "runs.view_unmasked"));
    default:
      return [];
  }
}

const forProject = (channel: ChannelRow, projectId: string | null) => channel.projectIds.length === 0 || (projectId !== null && channel.projectIds.includes(projectId));

/**
 * Turns one outbox row into deliveries, in the worker's write: the team channels subscribed to
 * its kind (and project), and each person of its audience who wants it on their personal email or
 * ntfy topic. Each message is rendered and masked for its audience now and stored, so every retry
 * sends the same bytes with the same delivery id. Returns how many deliveries it created.
 */
export async function expandOutbox(tx: Tx, row: OutboxRow, now: number, baseUrl: string): Promise<number> {
  const channels = (await tx.notify.channels()).filter((c) => c.enabled && forProject(c, row.projectId));
  if (channels.length === 0) return 0;
  const run = row.runId ? await tx.notify.runContext(row.runId) : undefined;
  const ck = row.checkpointId ? (await tx.checkpoints.withRun(row.checkpointId))?.ck : undefined;
  // An "expiring" row whose checkpoint was decided meanwhile tells nobody anything.
  if (row.kind === "checkpoint.expiring" && ck?.status !== "pending") return 0;
  const manifests = new Map<Role, ScopeManifest | null>();
  const maskedTitle = async (role: Role): Promise<string | null> => {
    if (!run) return null;
    if (!manifests.has(role)) manifests.set(role, can(role, "runs.view_unmasked") ? null : await scopeManifest(tx, { projectId: run.projectId, role }));
    return maskText(manifests.get(role)!, run.title);
  };
  const message = async (role: Role): Promise<NotifyMessage> => renderMessage({
    kind: row.kind, meta: row.meta, occurredAt: row.occurredAt, audience: role, baseUrl,
    project: run ? { slug: run.projectSlug, name: run.projectName } : null,
    run: run ? { id: run.runId, title: (await maskedTitle(role))! } : null,
    checkpoint: ck ? { id: ck.id, kind: ck.kind, targetPhase: ck.targetPhase, requiredRole: ck.requiredRole, status: ck.status, expiresAt: ck.expiresAt } : null,
    askedBy: run?.ownerName ?? null,
  });
  let created = 0;
  const add = async (channel: ChannelRow, msg: NotifyMessage, person: { id: string; address: string } | null): Promise<void> => {
    const delivery: DeliveryRow = {
      id: newId("dlv"), outboxId: row.id, channelId: channel.id, userId: person?.id ?? null, address: person?.address ?? null,
      dedupe: `${row.id}:${channel.id}:${person?.id ?? "-"}`, kind: row.kind, message: msg, status: "pending", attempts: 0,
      nextAttemptAt: now, leaseUntil: 0, lastError: null, lastAttemptAt: null, deliveredAt: null, createdAt: now,
    };
    await tx.notify.insertDelivery(delivery);
    created++;
  };
  for (const channel of channels) {
    if (channel.events.includes(row.kind)) await add(channel, await message(channel.audienceRole), null);
  }
  const personalEmail = channels.find((c) => c.personal && c.kind === "email");
  const personalNtfy = channels.find((c) => c.personal && c.kind === "ntfy");
  if (!personalEmail && !personalNtfy) return created;
  for (const person of audience(row.kind, await tx.notify.recipients(), run, ck?.requiredRole ?? null)) {
    const wants: readonly string[] = person.prefEvents ?? DEFAULT_KINDS;
    if (!wants.includes(row.kind)) continue;
    if (personalEmail && (person.prefEmail ?? true)) await add(personalEmail, await message(person.role), { id: person.id, address: person.email });
    if (personalNtfy && person.prefNtfyTopic) await add(personalNtfy, await message(person.role), { id: person.id, address: person.prefNtfyTopic });
  }
  return created;
}
