import { extractFlags, loadConfig, settingsHelp } from "../config.ts";
import { createApp } from "../app.ts";
import { scheduleAuditPurge } from "../core/audit/schedule-purge.ts";
import { startCheckpointSweep } from "../core/checkpoint/expire-checkpoints.ts";
import { SYSTEM, withActor } from "../core/context.ts";
import { transact } from "../core/transact.ts";
import { issueSetupToken } from "../core/user/setup.ts";
import { createLogger } from "../logger.ts";
import type { Command } from "./io.ts";

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
  const app = createApp({ config, logger, groupCommit: true });
  const system = withActor(app.services, SYSTEM);
  // Pending checkpoints also expire lazily on read; the sweep records expiries nobody reads.
  const stopSweep = startCheckpointSweep(system);
  transact(system, (_tx, record) => {
    for (const name of app.migrationsApplied) record({ type: "migration.applied", subject: name });
    record({ type: "system.started", meta: { version: io.env.RAILYARD_VERSION_INTERNAL ?? null } });
  });
  const stopRetention = scheduleAuditPurge(system);

  // Signal handlers go in before the server listens, so a signal at any moment shuts down cleanly.
  let server: ReturnType<typeof Bun.serve> | null = null;
  let stopping = false;
  const stopped = new Promise<number>((resolve) => {
    const stop = async (signal: string) => {
      if (stopping) return;
      stopping = true;
      logger.info({ signal }, "shutting down: no new connections, waiting for in-flight requests");
      if (server) {
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
      }
      stopRetention();
      transact(system, (_tx, record) => record({ type: "system.stopped", meta: { signal } }));
      stopSweep();
      app.close();
      logger.info("stopped");
      resolve(0);
    };
    process.once("SIGINT", () => void stop("SIGINT"));
    process.once("SIGTERM", () => void stop("SIGTERM"));
  });

  server = Bun.serve({
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

  const token = issueSetupToken(system);
  if (token) {
    // Printed, never logged: the token creates the owner account. Single use, valid one hour.
    io.stdout(`\nNo owner account yet. Open this link within one hour to create it (works once):\n\n  ${baseUrl}/setup#token=${token}\n\n`);
  }

  return await stopped;
};
