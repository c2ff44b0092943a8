import { z } from "zod";
import type { Ctx } from "../context.ts";
import { AppError, forbidden, notFound } from "../errors.ts";
import { lastRejection } from "../checkpoint/block.ts";
import { atLeast, can } from "../roles.ts";
import type { PhaseDef } from "../runbook/schemas.ts";
import { classifyPath, maskPath, maskText, scopeManifest } from "../scope/manifest.ts";
import { parseInput } from "../validate.ts";
import { FINISHED_STATUSES } from "./schemas.ts";

export const GetRunInput = z.strictObject({ runId: z.string().max(30) });

// A timeline is bounded: the newest rows of each kind, enough for the run page.
const TIMELINE_LIMIT = 500;

/**
 * One run's timeline: the run, its runbook version's phases with the current station, work units,
 * checkpoints, builds, usage, drift and violations, files, claims and audit events. For roles that see runs
 * masked, paths in their excluded modules read `‹module›` (in free text too) and such work units show no title or note.
 */
export async function getRun({ ctx, input }: { ctx: Ctx; input: unknown }) {
  if (ctx.actor.kind !== "human" || !can(ctx.actor.role, "runs.view")) throw forbidden("sign in to see runs");
  const { runId } = parseInput(GetRunInput, input);
  const q = ctx.store.read.runs;
  const row = await q.listed(runId);
  if (!row) throw notFound(`run '${runId}'`);
  const { run } = row;
  const version = await q.version(run.runbookVersionId);
  if (!version) throw new AppError("internal", "run refers to a missing runbook version");
  const phases = version.phases as PhaseDef[];
  const current = phases.findIndex((p) => p.name === run.phase);

  const masked = !can(ctx.actor.role, "runs.view_unmasked");
  const manifest = masked ? await scopeManifest(ctx.store.read, { projectId: run.projectId, role: ctx.actor.role }) : null;
  const show = (path: string | null) => (path === null || !manifest ? path : maskPath(manifest, path));
  // Free text written by others (titles, summaries, log tails, notes, reasons) can name paths too.
  const text = <T extends string | null>(value: T): T => maskText(manifest, value);
  const hidden = (paths: readonly string[]) => manifest !== null && paths.some((p) => classifyPath(manifest, p) === "excluded");

  const actor = ctx.actor;
  const [units, checkpoints, builds, usage, drift, files, events, claims] = await Promise.all([
    q.units(run.id, TIMELINE_LIMIT), q.checkpoints(run.id, TIMELINE_LIMIT), q.builds(run.id, TIMELINE_LIMIT), q.usage(run.id, TIMELINE_LIMIT),
    q.drift(run.id, TIMELINE_LIMIT), q.files(run.id, TIMELINE_LIMIT), q.events(run.id, TIMELINE_LIMIT),
    q.claimsOf(run.id, TIMELINE_LIMIT),
  ]);
  const checkpointView = (c: (typeof checkpoints)[number]) => ({
    id: c.id, kind: c.kind, targetPhase: c.targetPhase, reason: c.reason, summary: text(c.summary), requiredRole: c.requiredRole, status: c.status,
    requestedAt: c.requestedAt, expiresAt: c.expiresAt, decidedAt: c.decidedAt, deciderRole: c.deciderRole, decisionReason: text(c.decisionReason),
    decider: c.decidedBy && c.status !== "expired" ? { id: c.decidedBy, name: c.deciderName, role: c.deciderRole } : null,
    // Whether the reader may approve or reject it here (the server decides again on the action).
    canDecide: c.status === "pending" && can(actor.role, "checkpoints.decide") && atLeast(actor.role, c.requiredRole) && run.ownerUserId !== actor.userId,
  });
  const open = !FINISHED_STATUSES.includes(run.status);
  const blockedBy = run.status === "blocked" ? await lastRejection(ctx.store.read, run.id) : undefined;
  const key = run.keyId ? await ctx.store.read.keys.byId(run.keyId) : undefined;
  return {
    run: {
      id: run.id, project: { id: run.projectId, slug: row.slug }, title: text(run.title), ticket: text(run.ticket), owner: { id: run.ownerUserId, name: row.ownerName },
      keyId: run.keyId, status: run.status, phase: run.phase, phaseEnteredAt: run.phaseEnteredAt, branch: text(run.branch), prUrl: text(run.prUrl), commitSha: run.commitSha,
      summary: text(run.summary), tokens: { input: run.inputTokens, output: run.outputTokens, cache: run.cacheTokens, calls: run.calls },
      createdAt: run.createdAt, updatedAt: run.updatedAt, finishedAt: run.finishedAt,
    },
    runbook: { id: version.runbookId, name: version.runbookName, versionId: version.id, version: version.version },
    phases: phases.map((p, i) => ({ ...p, station: i < current ? "passed" : i === current ? "current" : "upcoming" })),
    workUnits: units.map((u) => {
      const hide = hidden(u.paths);
      return { id: u.id, position: u.position, title: hide ? null : text(u.title), note: hide ? null : text(u.note), paths: [...new Set(u.paths.map((p) => show(p)!))], status: u.status, masked: hide, createdAt: u.createdAt, updatedAt: u.updatedAt };
    }),
    // The checkpoint history, newest first: who decided, in which role, why, and when.
    checkpoints: checkpoints.map(checkpointView),
    // Why a blocked run is blocked: its most recent rejection (null when the run is not blocked).
    blocked: run.status === "blocked" ? (() => {
      const rejected = checkpoints.filter((c) => c.status === "rejected").sort((a, b) => (b.decidedAt ?? 0) - (a.decidedAt ?? 0))[0];
      return rejected ? { checkpoint: checkpointView(rejected) } : { checkpoint: null };
    })() : null,
    // What the reader may do here (the server decides again on each action).
    can: {
      cancel: open && (run.ownerUserId === actor.userId || atLeast(actor.role, "lead")),
      unblock: run.status === "blocked" && can(actor.role, "checkpoints.decide") && run.ownerUserId !== actor.userId && (!blockedBy || atLeast(actor.role, blockedBy.requiredRole)),
      revokeKey: key !== undefined && key.revokedAt === null && (key.userId === actor.userId || can(actor.role, "keys.revoke_others")),
    },
    key: key ? { id: key.id, name: key.name, revokedAt: key.revokedAt } : null,
    builds: builds.map((b) => ({
      id: b.id, phase: b.phase, kind: b.kind, exitCode: b.exitCode, durationMs: b.durationMs, logTail: text(b.logTail), createdAt: b.createdAt,
    })),
    usage: usage.map((u) => ({
      id: u.id, model: u.model, inputTokens: u.inputTokens, outputTokens: u.outputTokens, cacheTokens: u.cacheTokens, calls: u.calls, createdAt: u.createdAt,
    })),
    drift: drift.map((d) => ({
      id: d.id, kind: d.kind, path: show(d.path), detail: d.detail, createdAt: d.createdAt,
    })),
    files: files.map((f) => ({
      id: f.id, action: f.action, path: show(f.path), access: f.access, createdAt: f.createdAt,
    })),
    // Live claims first, then ended ones (with why they ended).
    claims: claims.map((c) => ({ path: show(c.path)!, source: c.source, claimedAt: c.claimedAt, endedAt: c.endedAt, endReason: c.endReason })),
    events: events.map((e) => ({
      seq: e.seq, at: e.at, type: e.type, actorKind: e.actorKind, actorUserId: e.actorUserId, subject: e.subject, meta: JSON.parse(e.meta) as unknown,
    })),
  };
}

export type RunTimeline = Awaited<ReturnType<typeof getRun>>;
