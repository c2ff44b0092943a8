// Composition root: builds the services and the HTTP app from a validated Config. Wiring only.
import type { Logger } from "pino";
import type { Config } from "./config.ts";
import { createAnchorWriter } from "./core/audit/anchor.ts";
import { createEventBus, SYSTEM, withActor, type Services } from "./core/context.ts";
import { ensureDefaultRunbook } from "./core/runbook/ensure-default-runbook.ts";
import { prepareDataDir, loadSecrets } from "./db/data-dir.ts";
import { openStore, type StoreOptions } from "./db/store.ts";
import type { Store } from "./core/store.ts";
import { KeyRateLimiter } from "./core/key/rate-limiter.ts";
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

export interface App {
  readonly services: Services;
  readonly http: HttpApp;
  readonly store: Store;
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
}

/** Opens the data dir and database and builds the services (what every command needs). */
export async function createServices({ config, logger, clock = systemClock, storeOptions }: AppOptions): Promise<{ services: Services; migrationsApplied: string[]; beginShutdown: () => void }> {
  prepareDataDir(config.dataDir);
  const secrets = loadSecrets(config.dataDir);
  const { store, migrationsApplied } = openStore(config.dataDir, storeOptions);
  const shutdown = new AbortController();
  const services: Services = Object.freeze({
    store,
    clock,
    logger,
    auditKey: secrets.auditKey,
    sessionKey: secrets.sessionKey,
    scan,
    bus: createEventBus(),
    keyRateLimiter: new KeyRateLimiter(config.keyRateLimit),
    dummyPasswordHash: createDummyPasswordHash(),
    metrics: createMetrics({
      auditEvents: () => countAuditEvents(store.read),
      databaseBytes: () => store.sizeBytes(),
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
  const http = createHttpApp({
    services,
    config: options.config,
    web: WEB_ASSETS,
    routers: apiRouters({ services, config: options.config, catalogue: catalogueDocument }),
    mcp: createMcpEndpoint(services, { version: pkg.version, maxBodyBytes: options.config.maxBodyBytes }),
  });
  const store = services.store;
  return { services, http, store, migrationsApplied, beginShutdown, close: () => store.close() };
}
