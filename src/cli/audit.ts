import { createServices } from "../app.ts";
import { exportAudit } from "../core/audit/export-audit.ts";
import { readAuditAnchor } from "../core/audit/anchor.ts";
import { verifyAudit, type VerifyResult } from "../core/audit/verify-audit.ts";
import { verifyAuditChain } from "../core/audit/verify-audit-chain.ts";
import { SYSTEM, withActor } from "../core/context.ts";
import { AppError } from "../core/errors.ts";
import { createLogger } from "../logger.ts";
import { parseCommandArgs, UsageError } from "./args.ts";
import { DataDirError, readAuditKey } from "../db/data-dir.ts";
import { openReadOnlyStore } from "../db/read-only-store.ts";
import type { Command, Io } from "./io.ts";

const HELP = `railyard audit verify [--data-dir DIR]
railyard audit export [--since T] [--format jsonl|csv] [--data-dir DIR]

verify  checks the hash chain and the head anchor (audit.head); exit 0 if intact,
        1 with the first broken event otherwise.
export  writes the trail to standard output, oldest first (JSON lines by default, or CSV);
        --since takes ISO-8601 (2026-01-31, 2026-01-31T12:00:00Z) or epoch milliseconds.
Both are recorded in the trail (audit.verified, audit.exported) as the system; verify still
reports its result when the record cannot be written (e.g. the disk is full), and says so.
`;

/** `railyard audit verify|export`. */
export const auditCommand: Command = async (argv, io) => {
  const [sub, ...rest] = argv;
  if (sub === undefined || sub === "--help" || sub === "-h") {
    io.stdout(HELP);
    return sub === undefined ? 2 : 0;
  }
  if (sub !== "verify" && sub !== "export") {
    io.stderr(`railyard audit: unknown subcommand '${sub}'; use verify or export (see railyard audit --help)\n`);
    return 2;
  }
  let parsed;
  try {
    parsed = parseCommandArgs(rest, io, sub === "export" ? { since: true, format: true } : {});
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`railyard audit ${sub}: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
  const { config, options, positional } = parsed;
  if (positional.length > 0) {
    io.stderr(`railyard audit ${sub}: unexpected argument ${positional[0]}\n`);
    return 2;
  }
  let opened;
  try {
    opened = await createServices({ config, logger: createLogger("warn") });
  } catch (error) {
    // Opening normally writes (WAL's shared-memory index); on a full disk verify reads without it.
    if (sub === "verify" && error instanceof DataDirError && openNeededAWrite(error.cause)) return verifyWithoutWriting(config.dataDir, io, error.cause);
    throw error;
  }
  const { services } = opened;
  const ctx = withActor(services, SYSTEM);
  // Verifying needs no write: when audit.verified cannot be recorded (a full disk), the result is
  // still reported, with one line saying it was not recorded.
  let unrecorded: string | null = null;
  try {
    if (sub === "verify") {
      const result = await verifyAuditChain({ ctx, onRecordFailure: (error) => (unrecorded = oneLine(error)) });
      return printVerified(io, result, unrecorded);
    }
    const input: Record<string, string> = {};
    for (const name of ["since", "format"] as const) {
      const value = options.get(name);
      if (typeof value === "string") input[name] = value;
    }
    const exported = await exportAudit({ ctx, input });
    for await (const chunk of exported.chunks) io.stdout(chunk);
    return 0;
  } catch (error) {
    if (error instanceof AppError) {
      io.stderr(`railyard audit ${sub}: ${error.message}\n`);
      return error.code === "invalid" ? 2 : 1;
    }
    throw error;
  } finally {
    try {
      await services.store.close();
    } catch (error) {
      // Closing checkpoints the WAL, a write; committed data is safe in the WAL without it.
      if (unrecorded === null) io.stderr(`railyard audit ${sub}: could not checkpoint the database on close (${oneLine(error)})\n`);
    }
  }
};

/** Whether opening failed because something had to be written (no space, no shared memory index). */
function openNeededAWrite(cause: unknown): boolean {
  const code = String((cause as { code?: unknown })?.code ?? "");
  return code === "SQLITE_FULL" || code.startsWith("SQLITE_IOERR");
}

/** `audit verify` on a data dir that cannot be opened for writing: the same checks, reported, not recorded. */
async function verifyWithoutWriting(dataDir: string, io: Io, cause: unknown): Promise<number> {
  const auditKey = readAuditKey(dataDir);
  const store = openReadOnlyStore(dataDir);
  try {
    const result = await verifyAudit(store.read, auditKey, { anchor: readAuditAnchor(store.anchor, auditKey) });
    return printVerified(io, result, `verified read-only: ${oneLine(cause)}`);
  } finally {
    store.close();
  }
}

function printVerified(io: Io, result: VerifyResult, unrecorded: string | null): number {
  if (unrecorded !== null) io.stderr(`railyard audit verify: the result could not be recorded in the trail (${unrecorded})\n`);
  if (result.intact) {
    const range = result.count === 0 ? "no events" : `${result.count} events, seq ${result.firstSeq} to ${result.lastSeq}`;
    io.stdout(`audit trail intact: ${range}; head anchor ${result.anchor.replace("_", " ")}\n`);
    return 0;
  }
  io.stdout(`audit trail BROKEN at seq ${result.brokenAt}: ${result.reason}\n`);
  return 1;
}

function oneLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown })?.code;
  return `${message.replace(/\s+/g, " ").slice(0, 200)}${typeof code === "string" ? `, ${code}` : ""}`;
}
