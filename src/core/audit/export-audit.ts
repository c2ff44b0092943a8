import { iso } from "../../lib/time.ts";
import type { Ctx } from "../context.ts";
import { forbidden } from "../errors.ts";
import { can } from "../roles.ts";
import { transact } from "../transact.ts";
import { parseInput } from "../validate.ts";
import type { StoredEvent } from "./append-event.ts";
import { toAuditEventView } from "./list-audit-events.ts";
import { AuditExportInput } from "./schemas.ts";
import { auditBatches } from "./verify-audit.ts";

export const CSV_COLUMNS = ["seq", "at", "type", "actor_kind", "actor_id", "actor_user_id", "run_id", "project_id", "subject", "meta", "prev_hash", "hash"] as const;

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
  return [e.seq, iso(e.at), e.type, e.actorKind, e.actorId, e.actorUserId, e.runId, e.projectId, e.subject, e.meta, e.prevHash, e.hash].map(csvCell).join(",") + "\r\n";
}

async function* render(ctx: Ctx, format: "jsonl" | "csv", since: number | undefined, upToSeq: number): AsyncGenerator<string> {
  if (format === "csv") yield CSV_COLUMNS.join(",") + "\r\n";
  for await (const rows of auditBatches(ctx.store.read, { since, upToSeq })) {
    yield rows.map((e) => (format === "csv" ? csvLine(e) : JSON.stringify(toAuditEventView(e)) + "\n")).join("");
  }
}

/**
 * Exports the trail (owner and auditor; the system for the CLI) as JSON lines or CSV, oldest first,
 * including hashes. `audit.exported` is recorded first: if it cannot be written, nothing is
 * exported. The export covers events up to and including that one; rows are read in batches as
 * the consumer pulls, so memory stays flat.
 */
export async function exportAudit({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<AuditExport> {
  const actor = ctx.actor;
  if (actor.kind === "agent" || (actor.kind === "human" && !can(actor.role, "audit.export"))) throw forbidden("only the owner and auditors can export the audit trail");
  const { format = "jsonl", since } = parseInput(AuditExportInput, input ?? {});
  const event = await transact(ctx, (_tx, record) => record({ type: "audit.exported", meta: { format, since: since ?? null } }));
  return {
    format,
    contentType: format === "csv" ? "text/csv; charset=utf-8" : "application/x-ndjson; charset=utf-8",
    chunks: render(ctx, format, since, event.seq),
  };
}

