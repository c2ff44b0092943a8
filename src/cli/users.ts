import { createServices } from "../app.ts";
import { SYSTEM, withActor } from "../core/context.ts";
import { AppError } from "../core/errors.ts";
import { createUser } from "../core/user/create-user.ts";
import { issuePasswordReset, passwordResetLink, PASSWORD_RESET_TTL_MS } from "../core/user/password-reset.ts";
import { createLogger } from "../logger.ts";
import { parseCommandArgs, UsageError } from "./args.ts";
import { readAll, type Command, type Io } from "./io.ts";

const HELP = `railyard users create --email E --role R [--name N] --password-stdin [--data-dir DIR]
railyard users reset-password --email E [--public-url URL] [--data-dir DIR]

create: creates a user directly in the database (scripted installs), audited as the system.
Roles: owner, admin, lead, developer, auditor. The password is read from standard input
(at least 12 characters, not a common password), e.g.:
  printf '%s' "$PASSWORD" | railyard users create --email ana@example.com --role owner --password-stdin

reset-password: break-glass. Prints a one-time link (valid one hour, works once; earlier
unused links for that person stop working) with which the person sets a new password.
The link uses --public-url when set, else the local address (--host, --port). Audited as the system.
`;

export const usersCommand: Command = async (argv, io) => {
  const [sub, ...rest] = argv;
  if (sub === undefined || sub === "--help" || sub === "-h") {
    io.stdout(HELP);
    return sub === undefined ? 2 : 0;
  }
  if (sub === "reset-password") return resetPassword(rest, io);
  if (sub !== "create") {
    io.stderr(`railyard users: unknown subcommand '${sub}'; use 'create' or 'reset-password' (see railyard users --help)\n`);
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

async function resetPassword(argv: string[], io: Io): Promise<number> {
  let parsed;
  try {
    parsed = parseCommandArgs(argv, io, { email: true });
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`railyard users reset-password: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
  const { config, options } = parsed;
  const raw = options.get("email");
  const email = typeof raw === "string" ? raw.trim().toLowerCase() : "";
  if (!email) {
    io.stderr("railyard users reset-password: give the person's --email\n");
    return 2;
  }
  const { services } = await createServices({ config, logger: createLogger("warn") });
  try {
    const user = await services.store.read.users.byEmail(email);
    if (!user || user.erasedAt !== null) {
      io.stderr(`railyard users reset-password: no user with the email ${email}\n`);
      return 1;
    }
    const reset = await issuePasswordReset({ ctx: withActor(services, SYSTEM), input: { id: user.id } });
    const scheme = config.tlsCert ? "https" : "http";
    const baseUrl = config.publicUrl ?? `${scheme}://${config.host.includes(":") ? `[${config.host}]` : config.host}:${config.port}`;
    io.stdout(`Password reset link for ${user.email} (valid ${PASSWORD_RESET_TTL_MS / 60_000} minutes, works once):\n\n  ${passwordResetLink(baseUrl, reset.token)}\n\n`);
    return 0;
  } catch (error) {
    if (error instanceof AppError) {
      io.stderr(`railyard users reset-password: ${error.message}\n`);
      return error.code === "not_found" ? 1 : 2;
    }
    throw error;
  } finally {
    await services.store.close();
  }
}
