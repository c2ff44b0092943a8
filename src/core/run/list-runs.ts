import { z } from "zod";
import type { Ctx } from "../context.ts";
import { forbidden } from "../errors.ts";
import { containsPattern, Cursor, decodeCursor, encodeCursor, SearchText } from "../paging.ts";
import { can } from "../roles.ts";
import { maskText, scopeManifest, type ScopeManifest } from "../scope/manifest.ts";
import type { Queries } from "../store.ts";
import { parseInput } from "../validate.ts";
import type { RunListFilter, RunListRow, RunSort } from "./queries.ts";
import { ProjectSlug, RUN_STATUSES } from "./schemas.ts";

export const ListRunsInput = z.strictObject({
  status: z.enum(RUN_STATUSES).optional(),
  project: ProjectSlug.optional(),
  /** Search over title, ticket and branch (as the caller sees them). */
  q: SearchText,
  /** The order: most recently updated first unless asked otherwise (tokens = input + output). */
  sort: z.enum(["updated", "created", "tokens"]).optional(),
  direction: z.enum(["asc", "desc"]).optional(),
  cursor: Cursor.optional(),
  limit: z.int().min(1).max(500).optional(),
});

/** A run's value in the order `by`, as the query sorts it (the cursor carries it). */
function sortKeyOf(row: RunListRow, by: RunSort["by"]): number {
  return by === "updated" ? row.run.updatedAt : by === "created" ? row.run.createdAt : row.run.inputTokens + row.run.outputTokens;
}

export interface RunSummary {
  id: string;
  project: { id: string; slug: string };
  title: string;
  ticket: string | null;
  owner: { id: string; name: string };
  status: string;
  phase: string;
  branch: string | null;
  prUrl: string | null;
  commitSha: string | null;
  tokens: { input: number; output: number; cache: number; calls: number };
  pendingCheckpoints: number;
  createdAt: number;
  updatedAt: number;
  finishedAt: number | null;
}

/** One page of runs, how many runs the filters match in all, and the cursor of the next page (null: last page). */
export interface RunPage {
  runs: RunSummary[];
  total: number;
  nextCursor: string | null;
}

const DEFAULT_LIMIT = 100;
/** Rows fetched per step when a masked reader's search has to be checked against the masked text. */
const SCAN_BATCH = 500;

/**
 * Runs, most recently updated first (or by creation or tokens, either way), paged by an opaque cursor, with the true total. Titles, tickets,
 * branches and PR links are free text written by agents: for roles that see runs masked, paths in their
 * excluded modules read `‹module›`, and a search matches only the text as they see it.
 */
export async function listRuns({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<RunPage> {
  if (ctx.actor.kind !== "human" || !can(ctx.actor.role, "runs.view")) throw forbidden("sign in to see runs");
  const role = ctx.actor.role;
  const data = parseInput(ListRunsInput, input ?? {});
  const limit = data.limit ?? DEFAULT_LIMIT;
  const position = data.cursor === undefined ? null : decodeCursor(data.cursor);
  const sort: RunSort = { by: data.sort ?? "updated", direction: data.direction ?? "desc" };
  const filter = { status: data.status ?? null, projectSlug: data.project ?? null, pattern: containsPattern(data.q), sort };
  const after = position === null ? null : { key: position.key, id: position.id };
  const read = ctx.store.read;
  const masked = !can(role, "runs.view_unmasked");
  const manifests = new Map<string, ScopeManifest>();
  const manifestOf = async (projectId: string): Promise<ScopeManifest | null> => {
    if (!masked) return null;
    let manifest = manifests.get(projectId);
    if (!manifest) manifests.set(projectId, (manifest = await scopeManifest(read, { projectId, role })));
    return manifest;
  };

  let rows: RunListRow[];
  let total: number;
  let more: boolean;
  if (masked && filter.pattern !== null) {
    // SQL narrows to runs whose stored text matches; a match inside a hidden path is not a match for
    // this reader, so each candidate is checked against its masked text (over all candidates: the total is true).
    ({ rows, total, more } = await scanMasked(read, filter, after, limit, async (row) => matches(data.q!, await summarize(row, await manifestOf(row.run.projectId)))));
  } else {
    const [page, count] = await Promise.all([read.runs.list({ ...filter, after, limit: limit + 1 }), read.runs.count(filter)]);
    rows = page.slice(0, limit);
    total = count;
    more = page.length > limit;
  }
  const runs: RunSummary[] = [];
  for (const row of rows) runs.push(summarize(row, await manifestOf(row.run.projectId)));
  const last = rows[rows.length - 1];
  return { runs, total, nextCursor: more && last ? encodeCursor({ key: sortKeyOf(last, sort.by), id: last.run.id }) : null };
}

function matches(q: string, run: RunSummary): boolean {
  const needle = q.toLowerCase();
  return [run.title, run.ticket, run.branch].some((field) => field !== null && field.toLowerCase().includes(needle));
}

/** Walks every SQL candidate in order, keeping those `keep` accepts: counts them all, returns the page after `after`. */
async function scanMasked(
  read: Queries,
  filter: Omit<RunListFilter, "after" | "limit">,
  after: RunListFilter["after"],
  limit: number,
  keep: (row: RunListRow) => Promise<boolean>,
): Promise<{ rows: RunListRow[]; total: number; more: boolean }> {
  const rows: RunListRow[] = [];
  let total = 0;
  let more = false;
  let from: RunListFilter["after"] = null;
  for (;;) {
    const batch = await read.runs.list({ ...filter, after: from, limit: SCAN_BATCH });
    for (const row of batch) {
      if (!(await keep(row))) continue;
      total += 1;
      const key = sortKeyOf(row, filter.sort.by);
      const later = filter.sort.direction === "desc" ? (a: number | string, b: number | string) => a < b : (a: number | string, b: number | string) => a > b;
      const beyond = after === null || later(key, after.key) || (key === after.key && later(row.run.id, after.id));
      if (!beyond) continue;
      if (rows.length < limit) rows.push(row);
      else more = true;
    }
    if (batch.length < SCAN_BATCH) break;
    const last = batch[batch.length - 1]!;
    from = { key: sortKeyOf(last, filter.sort.by), id: last.run.id };
  }
  return { rows, total, more };
}

function summarize({ run, slug, ownerName, pendingCheckpoints }: RunListRow, manifest: ScopeManifest | null): RunSummary {
  const text = <T extends string | null>(value: T): T => maskText(manifest, value);
  return {
    id: run.id,
    project: { id: run.projectId, slug },
    title: text(run.title),
    ticket: text(run.ticket),
    owner: { id: run.ownerUserId, name: ownerName },
    status: run.status,
    phase: run.phase,
    branch: text(run.branch),
    prUrl: text(run.prUrl),
    commitSha: run.commitSha,
    tokens: { input: run.inputTokens, output: run.outputTokens, cache: run.cacheTokens, calls: run.calls },
    pendingCheckpoints,
    createdAt: run.createdAt,
    updatedAt: run.updatedAt,
    finishedAt: run.finishedAt,
  };
}
