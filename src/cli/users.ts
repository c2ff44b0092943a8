import { createServices } from "../app.ts";
import { SYSTEM, withActor } from "../core/context.ts";
import { AppError } from "../core/errors.ts";
import { createUser } from "../core/user/create-user.ts";
import { createLogger } from "../logger.ts";
import { parseCommandArgs, UsageError } from "./args.ts";
import { readAll, type Command } from "./io.ts";

const HELP = `railyard users create --email E --role R [--name N] --password-stdin [--data-dir DIR]

Creates a user directly in the database (scripted installs), audited as the system.
Roles: owner, admin, lead, developer, auditor. The password is read from standard input
(at least 12 characters, not a common password), e.g.:
  printf '%s' "$PASSWORD" | railyard users create --email ana@example.com --role owner --password-stdin
`;

export const usersCommand: Command = async (argv, io) => {
  const [sub, ...rest] = argv;
  if (sub === undefined || sub === "--help" || sub === "-h") {
    io.stdout(HELP);
    return sub === undefined ? 2 : 0;
  }
  if (sub !== "create") {
    io.stderr(`railyard users: unknown subcommand '${sub}'; only 'create' exists (see railyard users --help)\n`);
    return 2;
  }
  let parsed;
  try {
    parsed = parseCommandArgs(rest, io, { email: true, role: true, name: true, "password-stdin": false });
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`railyard users create: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
  const { config, options } = parsed;
  if (!options.has("password-stdin")) {
    io.stderr("railyard users create: give the password on standard input with --password-stdin (never as an argument)\n");
    return 2;
  }
  const password = (await readAll(io.stdin())).replace(/\r?\n$/, "");
  const { services } = await createServices({ config, logger: createLogger("warn") });
  try {
    const user = await createUser({
      ctx: withActor(services, SYSTEM),
      input: { email: options.get("email"), role: options.get("role"), name: options.get("name"), password },
    });
    io.stdout(`created ${user.role} ${user.email} (${user.id})\n`);
    return 0;
  } catch (error) {
    if (error instanceof AppError) {
      io.stderr(`railyard users create: ${error.message}\n`);
      return error.code === "conflict" ? 1 : 2;
    }
    throw error;
  } finally {
    await services.store.close();
  }
};
