import { createServices } from "../app.ts";
import { SYSTEM, withActor } from "../core/context.ts";
import { AppError } from "../core/errors.ts";
import { createKey } from "../core/key/create-key.ts";
import { findUserByEmail } from "../core/user/find-user-by-email.ts";
import { createLogger } from "../logger.ts";
import { parseCommandArgs, UsageError } from "./args.ts";
import type { Command } from "./io.ts";

const HELP = `railyard keys create --email E --name NAME [--expires-days N] [--data-dir DIR]

Creates a plugin key for the user with that email, audited as the system, and prints the key
once on standard output (only its SHA-256 is stored). Give it to the agent, e.g.:
  claude mcp add --transport http railyard http://127.0.0.1:7433/mcp --header "Authorization: Bearer $KEY"
`;

export const keysCommand: Command = async (argv, io) => {
  const [sub, ...rest] = argv;
  if (sub === undefined || sub === "--help" || sub === "-h") {
    io.stdout(HELP);
    return sub === undefined ? 2 : 0;
  }
  if (sub !== "create") {
    io.stderr(`railyard keys: unknown subcommand '${sub}'; only 'create' exists (see railyard keys --help)\n`);
    return 2;
  }
  let parsed;
  try {
    parsed = parseCommandArgs(rest, io, { email: true, name: true, "expires-days": true });
    if (!parsed.options.has("email")) throw new UsageError("--email is required");
    if (!parsed.options.has("name")) throw new UsageError("--name is required");
    const days = parsed.options.get("expires-days");
    if (days !== undefined && (typeof days !== "string" || !/^\d{1,4}$/.test(days))) throw new UsageError("--expires-days must be a whole number of days (1-3650)");
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`railyard keys create: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
  const { config, options } = parsed;
  const { services } = await createServices({ config, logger: createLogger("warn") });
  try {
    const ctx = withActor(services, SYSTEM);
    const user = await findUserByEmail(services.store.read, String(options.get("email")));
    if (!user) {
      io.stderr("railyard keys create: no user with this email (create one with railyard users create)\n");
      return 1;
    }
    const days = options.get("expires-days");
    const created = await createKey({ ctx, input: { userId: user.id, name: options.get("name"), ...(days !== undefined ? { expiresDays: Number(days) } : {}) } });
    io.stdout(`${created.key}\n`);
    io.stderr(`created key ${created.id} "${created.name}" for ${user.email}${created.expiresAt !== null ? `, expires ${new Date(created.expiresAt).toISOString()}` : ""}; it is shown only this once\n`);
    return 0;
  } catch (error) {
    if (error instanceof AppError) {
      io.stderr(`railyard keys create: ${error.message}\n`);
      return error.code === "invalid" ? 2 : 1;
    }
    throw error;
  } finally {
    await services.store.close();
  }
};
