import { createServices } from "../app.ts";
import { exportAudit } from "../core/audit/export-audit.ts";
import { verifyAuditChain } from "../core/audit/verify-audit-chain.ts";
import { SYSTEM, withActor } from "../core/context.ts";
import { AppError } from "../core/errors.ts";
import { createLogger } from "../logger.ts";
import { parseCommandArgs, UsageError } from "./args.ts";
import type { Command } from "./io.ts";

const HELP = `railyard audit verify [--data-dir DIR]
railyard audit export [--since T] [--format jsonl|csv] [--data-dir DIR]

verify  checks the hash chain and the head anchor (audit.head); exit 0 if intact,
        1 with the first broken event otherwise.
export  writes the trail to standard output, oldest first (JSON lines by default, or CSV);
        --since takes ISO-8601 (2026-01-31, 2026-01-31T12:00:00Z) or epoch milliseconds.
Both are recorded in the trail (audit.verified, audit.exported) as the system.
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
  const { services } = await createServices({ config, logger: createLogger("warn") });
  const ctx = withActor(services, SYSTEM);
  try {
    if (sub === "verify") {
      const result = await verifyAuditChain({ ctx });
      if (result.intact) {
        const range = result.count === 0 ? "no events" : `${result.count} events, seq ${result.firstSeq} to ${result.lastSeq}`;
        io.stdout(`audit trail intact: ${range}; head anchor ${result.anchor.replace("_", " ")}\n`);
        return 0;
      }
      io.stdout(`audit trail BROKEN at seq ${result.brokenAt}: ${result.reason}\n`);
      return 1;
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
    await services.store.close();
  }
};
