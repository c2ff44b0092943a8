import { existsSync } from "node:fs";
import { join } from "node:path";
import { readAuditAnchor } from "../core/audit/anchor.ts";
import { verifyAudit } from "../core/audit/verify-audit.ts";
import { anchorFile } from "../db/anchor-file.ts";
import { DATABASE_FILE, openDatabase } from "../db/client.ts";
import { lockDataDir, readAuditKey } from "../db/data-dir.ts";
import { connectPg, describeTarget } from "../db/pg/client.ts";
import { copySqliteToPostgres, nonEmptyTables } from "../db/pg/copy.ts";
import { migratePg } from "../db/pg/store.ts";
import { parseCommandArgs, UsageError } from "./args.ts";
import { CommandError, type Command } from "./io.ts";

const HELP = `railyard migrate-to-postgres --data-dir DIR --database-url postgres://…

Copies the SQLite install in DIR (every table, the audit trail included) into an empty
PostgreSQL database, and commits the copy only after its audit chain verified there with
DIR's audit.key and head anchor. Stop the server first (the data dir's lock is taken). The
SQLite file is left as it was. Then start every node with --database-url and a copy of DIR's
audit.key and session.key (README, Scaling out).
`;

/** `railyard migrate-to-postgres`: SQLite → PostgreSQL, verified on arrival. */
export const migrateToPostgresCommand: Command = async (argv, io) => {
  if (argv.includes("--help") || argv.includes("-h")) {
    io.stdout(HELP);
    return 0;
  }
  let parsed;
  try {
    parsed = parseCommandArgs(argv, io, {});
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`railyard migrate-to-postgres: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
  const { config, positional } = parsed;
  if (positional.length > 0 || config.databaseUrl === null) {
    io.stderr(`railyard migrate-to-postgres: ${positional.length > 0 ? `unexpected argument ${positional[0]}` : "--database-url is required (the empty PostgreSQL database to copy into)"}\n${HELP}`);
    return 2;
  }
  const file = join(config.dataDir, DATABASE_FILE);
  if (!existsSync(file)) throw new CommandError(`migrate-to-postgres: ${config.dataDir} holds no SQLite database (${DATABASE_FILE}); give the data dir of the install to copy`, 1);
  const auditKey = readAuditKey(config.dataDir);
  const lock = lockDataDir(config.dataDir);
  const target = describeTarget(config.databaseUrl);
  const sql = await connectPg({ url: config.databaseUrl, caFile: config.databaseCaFile });
  const sqlite = openDatabase(file, { readonly: true });
  try {
    await migratePg(sql);
    const occupied = await nonEmptyTables(sql);
    if (occupied.length > 0) {
      throw new CommandError(`migrate-to-postgres: the database at ${target} is not empty (${occupied.slice(0, 5).join(", ")}${occupied.length > 5 ? ", …" : ""} hold rows); copy into a new, empty database`, 1);
    }
    const anchor = readAuditAnchor(anchorFile(config.dataDir), auditKey);
    let verified = "";
    const copied = await copySqliteToPostgres(sqlite, sql, async (copy) => {
      const result = await verifyAudit(copy, auditKey, { anchor });
      if (!result.intact) throw new CommandError(`migrate-to-postgres: the copied audit trail does not verify (${result.reason}, at seq ${result.brokenAt}); nothing was written to ${target}. Run railyard audit verify on the data dir`, 1);
      verified = result.count === 0 ? "no events" : `${result.count} events, seq ${result.firstSeq} to ${result.lastSeq}`;
    });
    io.stdout(
      `copied ${copied.rows} rows of ${copied.tables} tables from ${file} to PostgreSQL at ${target}\n` +
        `audit trail verified there: ${verified}\n` +
        `Next: start each node with --database-url (RAILYARD_DATABASE_URL) and a copy of ${join(config.dataDir, "audit.key")} and session.key; keep ${file} as a fallback until you are sure.\n`,
    );
    return 0;
  } finally {
    sqlite.close();
    await sql.close();
    lock.release();
  }
};
