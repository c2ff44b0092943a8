import type { Logger } from "pino";
import { extractFlags, loadConfig, settingsHelp, type Config } from "../config.ts";
import { createApp } from "../app.ts";
import { scheduleAuditPurge } from "../core/audit/schedule-purge.ts";
import { startCheckpointSweep } from "../core/checkpoint/expire-checkpoints.ts";
import { SYSTEM, withActor } from "../core/context.ts";
import { transact } from "../core/transact.ts";
import { issueSetupToken } from "../core/user/setup.ts";
import { createLogger } from "../logger.ts";
import type { Command, Io } from "./io.ts";

export const SERVE_HELP = `railyard serve: start the appliance (MCP endpoint, admin API and web app)

Usage: railyard [serve] [options]

Options (flags override RAILYARD_* environment variables, which override defaults):
${settingsHelp()}`;

/** Starts the server and resolves with exit code 0 after a graceful shutdown (SIGINT/SIGTERM). */
export const serveCommand: Command = async (argv, io) => {
  if (argv.includes("--help") || argv.includes("-h")) {
    io.stdout(SERVE_HELP + "\n");
    return 0;
  }
  const { flags, rest } = extractFlags(argv);
  if (rest.length > 0) {
    io.stderr(`railyard serve: unknown argument ${rest[0]}; see railyard serve --help\n`);
    return 2;
  }
  const config = loadConfig(flags, io.env, io.cwd);
  const logger = createLogger(config.logLevel);
  // Signal handlers go in before anything is awaited, so a signal at any moment (even during
  // start-up) shuts down cleanly: start-up completes, then the shutdown below runs.
  let signalled!: (signal: string) => void;
  const signal = new Promise<string>((resolve) => (signalled = resolve));
  const onSigint = () => signalled("SIGINT");
  const onSigterm = () => signalled("SIGTERM");
  process.once("SIGINT", onSigint);
  process.once("SIGTERM", onSigterm);
  try {
    return await serve(config, logger, io, signal);
  } finally {
    process.off("SIGINT", onSigint);
    process.off("SIGTERM", onSigterm);
  }
};

async function serve(config: Config, logger: Logger, io: Io, signal: Promise<string>): Promise<number> {
  const app = await createApp({ config, logger });
  const system = withActor(app.services, SYSTEM);
  // Pending checkpoints also expire lazily on read; the sweep records expiries nobody reads.
  const stopSweep = startCheckpointSweep(system);
  await transact(system, async (_tx, record) => {
    for (const name of app.migrationsApplied) await record({ type: "migration.applied", subject: name });
    await record({ type: "system.started", meta: { version: io.env.RAILYARD_VERSION_INTERNAL ?? null } });
  });
  const stopRetention = scheduleAuditPurge(system);

  const server = Bun.serve({
    hostname: config.host,
    port: config.port,
    fetch: app.http.fetch,
    maxRequestBodySize: config.maxBodyBytes,
    idleTimeout: 60,
    ...(config.tlsCert && config.tlsKey ? { tls: { cert: Bun.file(config.tlsCert), key: Bun.file(config.tlsKey) } } : {}),
  });
  const scheme = config.tlsCert ? "https" : "http";
  const baseUrl = config.publicUrl ?? `${scheme}://${config.host.includes(":") ? `[${config.host}]` : config.host}:${server.port}`;
  logger.info({ url: baseUrl, dataDir: config.dataDir, migrations: app.migrationsApplied.length }, "railyard listening");

  const token = await issueSetupToken(system);
  if (token) {
    // Printed, never logged: the token creates the owner account. Single use, valid one hour.
    io.stdout(`\nNo owner account yet. Open this link within one hour to create it (works once):\n\n  ${baseUrl}/setup#token=${token}\n\n`);
  }

  const received = await signal;
  logger.info({ signal: received }, "shutting down: no new connections, waiting for in-flight requests");
  const graceful = server.stop(false);
  let timer: Timer | undefined;
  const timedOut = await Promise.race([
    graceful.then(() => false),
    new Promise<boolean>((r) => {
      timer = setTimeout(() => r(true), config.shutdownGraceMs);
    }),
  ]);
  clearTimeout(timer);
  if (timedOut) {
    logger.warn({ graceMs: config.shutdownGraceMs }, "in-flight requests did not finish in time; closing them");
    await server.stop(true);
  }
  stopRetention();
  await transact(system, (_tx, record) => record({ type: "system.stopped", meta: { signal: received } }));
  stopSweep();
  await app.close();
  logger.info("stopped");
  return 0;
}
