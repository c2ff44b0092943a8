// The `railyard` command: parse the command name, dispatch to src/cli/. Nothing else lives here.
import pkg from "../package.json" with { type: "json" };
import { ConfigError } from "./config.ts";
import { DataDirError } from "./db/data-dir.ts";
import type { Command, Io } from "./cli/io.ts";

export const VERSION: string = pkg.version;

/** Every command of DESIGN.md 3.1; each loads its module only when called. */
const COMMANDS: Record<string, { summary: string; load: () => Promise<Command> }> = {
  serve: { summary: "start the appliance (the default)", load: async () => (await import("./cli/serve.ts")).serveCommand },
  users: { summary: "users create --email E --role R [--name N] --password-stdin", load: async () => (await import("./cli/users.ts")).usersCommand },
  keys: { summary: "keys create --email E --name NAME [--expires-days N]", load: async () => (await import("./cli/keys.ts")).keysCommand },
  scan: { summary: "scan [FILE] | scan --jsonl: find PII and secrets locally", load: async () => (await import("./cli/scan.ts")).scanCommand },
  exec: { summary: "exec --run RUN_ID [--kind build|test|lint] -- CMD ARGS…", load: async () => (await import("./cli/exec.ts")).execCommand },
  audit: { summary: "audit verify | audit export [--since T] [--format jsonl|csv]", load: async () => (await import("./cli/audit.ts")).auditCommand },
  backup: { summary: "backup FILE: online consistent backup", load: async () => (await import("./cli/backup.ts")).backupCommand },
  restore: { summary: "restore FILE --audit-key KEYFILE: restore into an empty data dir", load: async () => (await import("./cli/backup.ts")).restoreCommand },
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
    throw error;
  }
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
      process.stderr.write(`railyard: unexpected error (${(error as Error)?.name ?? "error"}); please report it\n`);
      process.exit(70);
    },
  );
}
