// The `railyard` command: parse the command name, dispatch to src/cli/. Nothing else lives here.
import pkg from "../package.json" with { type: "json" };
import { join } from "node:path";
import { ConfigError, extractFlags, loadConfig } from "./config.ts";
import { DATABASE_FILE } from "./db/client.ts";
import { databaseError, DataDirError } from "./db/data-dir.ts";
import { CommandError, type Command, type Io } from "./cli/io.ts";

export const VERSION: string = pkg.version;

/** Every command of DESIGN.md 3.1; each loads its module only when called. */
const COMMANDS: Record<string, { summary: string; load: () => Promise<Command> }> = {
  serve: { summary: "start the appliance (the default)", load: async () => (await import("./cli/serve.ts")).serveCommand },
  users: { summary: "users create --email E --role R [--name N] --password-stdin", load: async () => (await import("./cli/users.ts")).usersCommand },
  keys: { summary: "keys create --email E --name NAME [--expires-days N]", load: async () => (await import("./cli/keys.ts")).keysCommand },
  scan: { summary: "scan [FILE] | scan --jsonl: find PII and secrets locally", load: async () => (await import("./cli/scan.ts")).scanCommand },
  exec: { summary: "exec --run RUN_ID [--kind build|test|lint] -- CMD ARGS…", load: async () => (await import("./cli/exec.ts")).execCommand },
  audit: { summary: "audit verify | audit export [--since T] [--format jsonl|csv]", load: async () => (await import("./cli/audit.ts")).auditCommand },
  miner: { summary: "miner run: one pass of the ritual miner now (proposals from the audit trail)", load: async () => (await import("./cli/miner.ts")).minerCommand },
  backup: { summary: "backup FILE: online consistent backup", load: async () => (await import("./cli/backup.ts")).backupCommand },
  restore: { summary: "restore FILE --audit-key KEYFILE: restore into an empty data dir", load: async () => (await import("./cli/backup.ts")).restoreCommand },
  "migrate-to-postgres": { summary: "migrate-to-postgres --database-url URL: copy this SQLite install into an empty PostgreSQL database, verified", load: async () => (await import("./cli/migrate-to-postgres.ts")).migrateToPostgresCommand },
};

export function helpText(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length));
  return `Railyard ${VERSION}: a self-hosted control plane for teams working with AI coding agents.

Usage: railyard [command] [options]

Commands:
${Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`).join("\n")}

Every command that touches data accepts --data-dir (RAILYARD_DATA_DIR). railyard serve --help lists all settings.
`;
}

/** Runs the command line and returns the exit code. */
export async function run(argv: string[], io: Io): Promise<number> {
  const [first, ...rest] = argv;
  if (first === "--version" || first === "-v" || first === "version") {
    io.stdout(`railyard ${VERSION}\n`);
    return 0;
  }
  if (first === "--help" || first === "-h" || first === "help") {
    io.stdout(helpText());
    return 0;
  }
  const name = first === undefined || first.startsWith("-") ? "serve" : first;
  const args = name === first ? rest : argv;
  const entry = COMMANDS[name];
  if (!entry) {
    io.stderr(`railyard: unknown command '${name}'; run railyard --help for the list\n`);
    return 2;
  }
  try {
    const command = await entry.load();
    return await command(args, io);
  } catch (error) {
    if (error instanceof ConfigError || error instanceof DataDirError) {
      io.stderr(`railyard: ${error.message}\n`);
      return 2;
    }
    if (error instanceof CommandError) {
      io.stderr(`railyard: ${error.message}\n`);
      return error.exitCode;
    }
    const code = (error as { code?: unknown })?.code;
    if (typeof code === "string" && code.startsWith("SQLITE_")) {
      // A database failure after start-up (a full disk, damage found by a query): say which file.
      io.stderr(`${databaseError(databaseFileOf(args, io), error, `railyard ${name}`).message}\n`);
      return 1;
    }
    throw error;
  }
}

function databaseFileOf(args: string[], io: Io): string {
  try {
    return join(loadConfig(extractFlags(args).flags, io.env, io.cwd).dataDir, DATABASE_FILE);
  } catch {
    return DATABASE_FILE;
  }
}

/** An error nobody expected, as one line (what and why, never a stack). */
export function unexpectedErrorLine(error: unknown): string {
  const name = (error as Error)?.name ?? "error";
  const message = error instanceof Error ? error.message.replace(/\s+/g, " ").slice(0, 300) : String(error).slice(0, 300);
  const code = (error as { code?: unknown })?.code;
  return `railyard: unexpected error (${name}${code !== undefined ? ` ${String(code)}` : ""}: ${message}); please report it\n`;
}

function processIo(): Io {
  return {
    stdout: (text) => void process.stdout.write(text),
    stderr: (text) => void process.stderr.write(text),
    stdin: () => Bun.stdin.stream(),
    env: process.env,
    cwd: process.cwd(),
  };
}

if (import.meta.main) {
  // Everything the process creates (database, secrets, backups) is private to its user.
  process.umask(0o077);
  run(process.argv.slice(2), processIo()).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(unexpectedErrorLine(error));
      process.exit(70);
    },
  );
}
