import { iso } from "../../lib/time.ts";
import type { Ctx } from "../context.ts";
import { forbidden } from "../errors.ts";
import { can } from "../roles.ts";
import { transact } from "../transact.ts";
import { parseInput } from "../validate.ts";
import type { StoredEvent } from "./append-event.ts";
import { auditVisibility, toAuditEventView } from "./list-audit-events.ts";
import type { AuditPageFilter } from "./queries.ts";
import { AuditExportInput } from "./schemas.ts";

const BATCH = 500;

export const CSV_COLUMNS = ["seq", "at", "type", "actor_kind", "actor_id", "actor_user_id", "run_id", "project_id", "subject", "meta", "prev_hash", "hash", "trace_parent"] as const;

export interface AuditExport {
  readonly format: "jsonl" | "csv";
  readonly contentType: string;
  /** The export's text in chunks (one batch of rows each), read lazily from the database. */
  readonly chunks: AsyncGenerator<string>;
}

function csvCell(value: string | number | null): string {
  if (value === null) return "";
  let text = String(value);
  // A cell starting with = + - @ would run as a formula in a spreadsheet.
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function csvLine(e: StoredEvent): string {
  return [e.seq, iso(e.at), e.type, e.actorKind, e.actorId, e.actorUserId, e.runId, e.projectId, e.subject, e.meta, e.prevHash, e.hash, e.traceParent ?? null].map(csvCell).join(",") + "\r\n";
}

async function* render(ctx: Ctx, format: "jsonl" | "csv", filter: Omit<AuditPageFilter, "beforeSeq" | "limit">, upToSeq: number): AsyncGenerator<string> {
  if (format === "csv") yield CSV_COLUMNS.join(",") + "\r\n";
  let afterSeq = 0;
  for (;;) {
    const rows = await ctx.store.read.audit.batchMatching({ ...filter, afterSeq, upToSeq, limit: BATCH });
    if (rows.length === 0) return;
    yield rows.map((e) => (format === "csv" ? csvLine(e) : JSON.stringify(toAuditEventView(e)) + "\n")).join("");
    if (rows.length < BATCH) return;
    afterSeq = rows[rows.length - 1]!.seq;
  }
}

/**
 * Exports the trail (owner and auditor; the system for the CLI) as JSON lines or CSV, oldest first,
 * including hashes: exactly the events the explorer's filters (type, actor, run, project, since,
 * until) match. `audit.exported` is recorded first: if it cannot be written, nothing is
 * exported. The export covers events up to and including that one; rows are read in batches as
 * the consumer pulls, so memory stays flat.
 */
export async function exportAudit({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<AuditExport> {
  const actor = ctx.actor;
  if (actor.kind === "agent" || (actor.kind === "human" && !can(actor.role, "audit.export"))) throw forbidden("only the owner and auditors can export the audit trail");
  const { format = "jsonl", since, until, type, actor: actorFilter, run, project } = parseInput(AuditExportInput, input ?? {});
  const filter = {
    visibility: auditVisibility(ctx), type: type ?? null, actor: actorFilter ?? null, runId: run ?? null, projectId: project ?? null,
    since: since ?? null, until: until ?? null,
  };
  const event = await transact(ctx, (_tx, record) => record({
    type: "audit.exported",
    meta: { format, since: since ?? null, until: until ?? null, eventType: filter.type, actor: filter.actor, run: filter.runId, project: filter.projectId },
  }));
  return {
    format,
    contentType: format === "csv" ? "text/csv; charset=utf-8" : "application/x-ndjson; charset=utf-8",
    chunks: render(ctx, format, filter, event.seq),
  };
}

