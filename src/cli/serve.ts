import type { Logger } from "pino";
import { extractFlags, loadConfig, settingsHelp, type Config } from "../config.ts";
import { createApp } from "../app.ts";
import { serveOptions } from "../http/app.ts";
import { scheduleAuditPurge } from "../core/audit/schedule-purge.ts";
import { startCheckpointSweep } from "../core/checkpoint/expire-checkpoints.ts";
import { SYSTEM, withActor } from "../core/context.ts";
import { transact } from "../core/transact.ts";
import { issueSetupToken } from "../core/user/setup.ts";
import { createLogger } from "../logger.ts";
import { lockDataDir, prepareDataDir } from "../db/data-dir.ts";
import { CommandError, type Command, type Io } from "./io.ts";

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
  // start-up) shuts down cleanly: start-up completes, then the shutdown below runs. They stay
  // installed: a second signal during the drain is logged and ignored (the default action would
  // kill the process before system.stopped is recorded); the grace period bounds the drain.
  let signalled!: (signal: string) => void;
  const signal = new Promise<string>((resolve) => (signalled = resolve));
  let first: string | null = null;
  const onSignal = (name: string) => {
    if (first === null) {
      first = name;
      signalled(name);
    } else {
      logger.warn({ signal: name, first }, "already shutting down; ignoring the signal (in-flight requests get the grace period)");
    }
  };
  const onSigint = () => onSignal("SIGINT");
  const onSigterm = () => onSignal("SIGTERM");
  process.on("SIGINT", onSigint);
  process.on("SIGTERM", onSigterm);
  try {
    // One server per data dir: a second one would serve the same database with its own bus
    // (long polls there never see decisions made here). CLI commands take no lock.
    prepareDataDir(config.dataDir);
    const lock = lockDataDir(config.dataDir);
    try {
      return await serve(config, logger, io, signal);
    } finally {
      lock.release();
    }
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

  const server = await listenOrCleanUp(config, () => Bun.serve({
    hostname: config.host,
    port: config.port,
    // Production mode, a JSON error handler, and the body limit enforced by the app (with headers).
    ...serveOptions(app.http),
    idleTimeout: 60,
    // Bun turns SO_REUSEPORT on with development: false: a second server would then share the
    // port silently instead of failing with EADDRINUSE.
    reusePort: false,
    ...(config.tlsCert && config.tlsKey ? { tls: { cert: Bun.file(config.tlsCert), key: Bun.file(config.tlsKey) } } : {}),
  }), async () => {
    stopRetention();
    stopSweep();
    await stopApp(app, system, logger, { signal: null, reason: "listen_failed" });
  });
  const scheme = config.tlsCert ? "https" : "http";
  const baseUrl = config.publicUrl ?? `${scheme}://${config.host.includes(":") ? `[${config.host}]` : config.host}:${server.port}`;
  logger.info({ url: baseUrl, dataDir: config.dataDir, migrations: app.migrationsApplied.length }, "railyard listening");
  // Links in notifications name the address people use (the real port, when it was 0).
  app.notifier.setBaseUrl(baseUrl);

  const token = await issueSetupToken(system);
  if (token) {
    // On stderr, never in the log stream (stdout, often shipped to a log store): the token creates
    // the owner account. Single use, valid one hour, and only the newest link works.
    io.stderr(`\nNo owner account yet. Open this link within one hour to create it (works once):\n\n  ${baseUrl}/setup#token=${token}\n\n`);
  }

  const received = await signal;
  logger.info({ signal: received }, "shutting down: no new connections, waiting for in-flight requests");
  // Live-update streams end and long polls answer now, or the drain would wait the whole grace period for them.
  app.beginShutdown();
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
  stopSweep();
  const clean = await stopApp(app, system, logger, { signal: received });
  logger.info("stopped");
  return clean ? 0 : 1;
}

/**
 * Records system.stopped and closes the store. A failure (a full disk) is one log line and a
 * false result (exit 1), never a stack: what was committed before is safe either way.
 */
async function stopApp(app: Awaited<ReturnType<typeof createApp>>, system: ReturnType<typeof withActor>, logger: Logger, meta: { signal: string | null; reason?: string }): Promise<boolean> {
  let clean = true;
  try {
    await transact(system, (_tx, record) => record({ type: "system.stopped", meta }));
  } catch (error) {
    clean = false;
    logger.error({ error: describe(error) }, "could not record system.stopped");
  }
  try {
    await app.close();
  } catch (error) {
    clean = false;
    logger.error({ error: describe(error) }, "could not close the database cleanly (committed data is safe in its write-ahead log)");
  }
  return clean;
}

function describe(error: unknown): string {
  const code = (error as { code?: unknown })?.code;
  return `${error instanceof Error ? error.message : String(error)}${typeof code === "string" ? ` (${code})` : ""}`;
}

/** Bun.serve, with a failure to listen (port in use, no permission) as one line naming the address and the cause. */
async function listenOrCleanUp<T>(config: Config, start: () => T, cleanUp: () => Promise<void>): Promise<T> {
  try {
    return start();
  } catch (error) {
    await cleanUp();
    const code = (error as { code?: unknown })?.code;
    const address = `${config.host.includes(":") ? `[${config.host}]` : config.host}:${config.port}`;
    const cause = code === "EADDRINUSE" ? "the port is in use (another server is listening there)" : code === "EACCES" ? "permission denied (ports below 1024 need privileges)" : describe(error);
    throw new CommandError(`cannot listen on ${address}: ${cause}; choose another --port or stop the other server`, 1);
  }
}
