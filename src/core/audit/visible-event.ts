import { MINUTE } from "../../lib/time.ts";
import type { Actor, Ctx, PublishedEvent } from "../context.ts";
import { can } from "../roles.ts";
import { getSettings } from "../setting/get-settings.ts";

/** What a live-update stream carries for one committed change: enough to know what to refetch. */
export interface LiveEvent {
  readonly seq: number;
  readonly at: number;
  readonly type: string;
  readonly runId: string | null;
  readonly projectId: string | null;
}

/**
 * Event families every signed-in role's screens show: runs and their parts, checkpoints, projects,
 * runbooks and the shared brain. Everything else (sign-ins, people, keys, settings, refusals, the
 * system) reaches only the roles that read the whole audit trail.
 */
const WORKFLOW_PREFIXES = [
  "run.", "work_unit.", "checkpoint.", "build.", "usage.", "change.", "files.", "scope.", "drift.",
  "knowledge.", "runbook.", "project.", "module.",
] as const;

/**
 * The live form of `event` for `actor`, or null when the actor's role may not learn of it. The
 * subject (which can name a path or a person) is never sent: a client refetches through the API,
 * which applies masking, so the stream cannot leak what the API would mask.
 */
export function visibleEvent(actor: Actor, event: PublishedEvent): LiveEvent | null {
  if (actor.kind !== "human") return null;
  const workflow = WORKFLOW_PREFIXES.some((prefix) => event.type.startsWith(prefix));
  if (!workflow && !can(actor.role, "audit.read_all")) return null;
  return { seq: event.seq, at: event.at, type: event.type, runId: event.runId, projectId: event.projectId };
}

/**
 * Whether a live stream opened for `actor` under session `sessionId` may stay open: the session is
 * neither revoked nor past its absolute or idle deadline, and the person is still enabled with the
 * same role. Read-only on purpose: an open stream is not activity, so it never extends a session.
 */
export async function streamStillAllowed(ctx: Ctx, sessionId: string): Promise<boolean> {
  const actor = ctx.actor;
  if (actor.kind !== "human") return false;
  const db = ctx.store.read;
  const now = ctx.clock.now();
  const session = await db.users.sessionAuth(sessionId);
  if (!session || session.userId !== actor.userId || session.revokedAt !== null || session.expiresAt <= now) return false;
  if (session.lastSeenAt + (await getSettings(db)).sessionIdleMinutes * MINUTE <= now) return false;
  return !session.disabled && session.erasedAt === null && session.role === actor.role;
}
