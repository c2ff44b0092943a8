// Composition root: builds the services and the HTTP app from a validated Config. Wiring only.
import type { Logger } from "pino";
import type { Config } from "./config.ts";
import { createAnchorWriter } from "./core/audit/anchor.ts";
import { createEventBus, SYSTEM, withActor, type Services } from "./core/context.ts";
import { ensureDefaultRunbook } from "./core/runbook/ensure-default-runbook.ts";
import { prepareDataDir } from "./db/data-dir.ts";
import { openBackend } from "./db/open.ts";
import type { StoreOptions } from "./db/store.ts";
import type { Store } from "./core/store.ts";
import { KeyRateLimiter, SharedKeyRateLimiter } from "./core/key/rate-limiter.ts";
import { KeyUsage } from "./core/key/key-usage.ts";
import { createDummyPasswordHash } from "./core/user/password.ts";
import { createHttpApp, type HttpApp } from "./http/app.ts";
import { apiRouters } from "./http/routes/index.ts";
import { WEB_ASSETS } from "./http/web-assets.generated.ts";
import { systemClock, type Clock } from "./lib/time.ts";
import { catalogueDocument } from "./mcp/catalogue.ts";
import { createMcpEndpoint } from "./mcp/handler.ts";
import pkg from "../package.json" with { type: "json" };
import { scan } from "./scanner/index.ts";
import { createMetrics } from "./lib/metrics.ts";
import { countAuditEvents } from "./core/audit/count-events.ts";
import { createSsoClients } from "./identity/index.ts";
import { ensureFlagStreams } from "./core/stream/ensure-flag-streams.ts";
import { streamViews } from "./core/stream/stream-view.ts";
import { createStreamWorker, streamNodeId, type StreamWorker, type StreamWorkerOptions } from "./stream/worker.ts";
import { createNotifier, type Notifier, type NotifyOptions } from "./notify/worker.ts";
import { createMinerWorker, type MinerWorker, type MinerWorkerOptions } from "./miner/worker.ts";
import { deliveryTotals } from "./core/notify/delivery-totals.ts";

export interface App {
  readonly services: Services;
  readonly http: HttpApp;
  readonly store: Store;
  /** Delivers the audit trail to the configured SIEM destinations (started by createApp, stopped by close). */
  readonly streamWorker: StreamWorker;
  /** The ritual miner's background job (started by createApp, stopped by close). */
  readonly minerWorker: MinerWorker;
  /** Delivers notifications from the outbox (started by createApp, stopped by close). */
  readonly notifier: Notifier;
  /** Migrations applied by this start (empty when the database was current). */
  readonly migrationsApplied: readonly string[];
  /** Aborts `services.shutdown`: ends live-update streams and answers long polls (before the server drains). */
  beginShutdown(): void;
  close(): Promise<void>;
}

export interface AppOptions {
  readonly config: Config;
  readonly logger: Logger;
  readonly clock?: Clock;
  /** Store hooks for tests (see StoreOptions). */
  readonly storeOptions?: StoreOptions;
  /** Audit-stream worker settings (tests); `false` builds it without starting it. */
  readonly streamWorker?: StreamWorkerOptions | false;
  /** Ritual miner job settings (tests); `false` builds it without starting it. */
  readonly minerWorker?: MinerWorkerOptions | false;
  /** Notification worker settings (tests); `false` builds it without starting it. */
  readonly notifier?: NotifyOptions | false;
}

/** Opens the data dir and database and builds the services (what every command needs). */
export async function createServices({ config, logger, clock = systemClock, storeOptions }: AppOptions): Promise<{ services: Services; migrationsApplied: string[]; beginShutdown: () => void }> {
  prepareDataDir(config.dataDir);
  const { store, secrets, migrationsApplied } = await openBackend(config, storeOptions);
  const shutdown = new AbortController();
  const services: Services = Object.freeze({
    store,
    clock,
    logger,
    auditKey: secrets.auditKey,
    sessionKey: secrets.sessionKey,
    scan,
    bus: createEventBus(store.relay),
    // Several nodes on PostgreSQL share each key's limit; one SQLite node counts in memory.
    keyRateLimiter: store.sharedCounter ? new SharedKeyRateLimiter(config.keyRateLimit, store.sharedCounter) : new KeyRateLimiter(config.keyRateLimit),
    keyUsage: new KeyUsage(),
    dummyPasswordHash: createDummyPasswordHash(),
    metrics: createMetrics({
      auditEvents: () => countAuditEvents(store.read),
      databaseBytes: () => store.sizeBytes(),
      auditStreams: () => streamViews(store.read, clock.now()),
      notificationDeliveries: () => deliveryTotals(store.read),
    }),
    sso: Object.freeze({
      clients: createSsoClients(logger),
      oidcFromFlags: config.oidcIssuer === null ? null : Object.freeze({ issuer: config.oidcIssuer, clientId: config.oidcClientId!, clientSecret: config.oidcClientSecret, redirectUrl: config.oidcRedirectUrl }),
      publicUrl: config.publicUrl,
    }),
    shutdown: shutdown.signal,
    options: Object.freeze({
      checkpointExpiryMs: config.checkpointExpiryMinutes * 60_000,
      keyRateLimitPerMinute: config.keyRateLimit,
    }),
  });
  services.bus.subscribe(await createAnchorWriter({ file: store.anchor, auditKey: secrets.auditKey, db: store.read, logger }));
  return { services, migrationsApplied, beginShutdown: () => shutdown.abort() };
}

/** Opens the data dir and database, builds every service and the HTTP surface. */
export async function createApp(options: AppOptions): Promise<App> {
  const { services, migrationsApplied, beginShutdown } = await createServices(options);
  await ensureDefaultRunbook({ ctx: withActor(services, SYSTEM) });
  await ensureFlagStreams(withActor(services, SYSTEM), options.config.auditStreams);
  const streamWorker = createStreamWorker(services, { version: pkg.version, nodeId: streamNodeId(options.config.dataDir), ...(options.streamWorker || {}) });
  if (options.streamWorker !== false) streamWorker.start();
  const notifier = createNotifier(services, options.notifier || {});
  if (options.notifier !== false) notifier.start({ baseUrl: listenUrl(options.config) });
  const minerWorker = createMinerWorker(services, streamNodeId(options.config.dataDir), options.minerWorker || {});
  if (options.minerWorker !== false) minerWorker.start();
  const http = createHttpApp({
    services,
    config: options.config,
    web: WEB_ASSETS,
    routers: apiRouters({ services, config: options.config, catalogue: catalogueDocument }),
    mcp: createMcpEndpoint(services, { version: pkg.version, maxBodyBytes: options.config.maxBodyBytes }),
  });
  const store = services.store;
  return { services, http, store, streamWorker, notifier, minerWorker, migrationsApplied, beginShutdown, close: async () => {
    await minerWorker.stop();
    await notifier.stop();
    await streamWorker.stop();
    await store.close();
  } };
}

/** The URL links in notifications start with: the public URL, else where the server listens. */
function listenUrl(config: Config): string {
  return config.publicUrl ?? `${config.tlsCert ? "https" : "http"}://${config.host.includes(":") ? `[${config.host}]` : config.host}:${config.port}`;
}
