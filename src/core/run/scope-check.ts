import { newId } from "../../lib/ids.ts";
import type { Ctx } from "../context.ts";
import type { Role } from "../roles.ts";
import { classifyPath, maskPath, scopeManifest, type ScopeManifest } from "../scope/manifest.ts";
import type { Queries, Tx } from "../store.ts";
import type { Record } from "../transact.ts";
import type { ScopeViewT, ViolationView } from "./schemas.ts";

export type { ScopeManifest };
export type Access = "editable" | "read_only" | "excluded" | "unlisted";

export function manifestFor(q: Pick<Queries, "runs">, projectId: string, role: Role): Promise<ScopeManifest> {
  return scopeManifest(q, { projectId, role });
}

export function scopeView(manifest: ScopeManifest, projectSlug: string): ScopeViewT {
  return { project: projectSlug, editable: [...manifest.editable], read_only: [...manifest.readOnly], excluded: [...manifest.excluded] };
}

export interface Classified {
  path: string;
  /** What leaves the core: the path, or ‹module› when it lies in one of the role's excluded modules. */
  shown: string;
  access: Access;
}

/**
 * Classifies each path. A violation is any contact with an excluded path, or a change (anything
 * but `read`) to a read-only one; `plan` is the intent to change.
 */
export function classify(manifest: ScopeManifest, paths: readonly string[], action: ViolationView["action"]): { files: Classified[]; violations: (ViolationView & { rawPath: string })[] } {
  const files = paths.map((path) => ({ path, shown: maskPath(manifest, path), access: classifyPath(manifest, path) as Access }));
  const violations = files
    .filter((f) => f.access === "excluded" || (f.access === "read_only" && action !== "read"))
    .map((f) => ({ path: f.shown, rawPath: f.path, access: f.access as "read_only" | "excluded", action }));
  return { files, violations };
}

/** Records each violation as a drift signal and a scope.violation event, in the caller's transaction. */
export async function recordViolations(tx: Tx, record: Record, ctx: Ctx, run: { id: string; projectId: string }, violations: readonly (ViolationView & { rawPath: string })[], source: string): Promise<void> {
  const now = ctx.clock.now();
  for (const v of violations) {
    const id = newId("dft");
    await tx.runs.insertDrift({ id, runId: run.id, kind: "scope_violation", path: v.rawPath, detail: { access: v.access, action: v.action, source }, createdAt: now });
    await record({ type: "scope.violation", runId: run.id, projectId: run.projectId, subject: id, meta: { access: v.access, action: v.action, source } });
  }
}

/** The message an agent acts on when its report touched paths outside its editable scope. */
export function violationMessage(violations: readonly ViolationView[], recorded: string): string {
  const list = violations.slice(0, 5).map((v) => `'${v.path}' is ${v.access === "excluded" ? "excluded" : "read-only"} for your role`).join("; ");
  const more = violations.length > 5 ? ` (and ${violations.length - 5} more)` : "";
  return `${recorded}, but scope violation: ${list}${more}. This was recorded and shown to your team. Do not change these paths; if the change is needed, call request_approval with reason scope_exception.`;
}
