// Composition root: builds the services and the HTTP app from a validated Config. Wiring only.
import type { Logger } from "pino";
import type { Config } from "./config.ts";
import { createAnchorWriter } from "./core/audit/anchor.ts";
import { createEventBus, SYSTEM, withActor, type Services } from "./core/context.ts";
import { ensureDefaultRunbook } from "./core/runbook/ensure-default-runbook.ts";
import { prepareDataDir, loadSecrets } from "./db/data-dir.ts";
import { openStore, type Store } from "./db/store.ts";
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
  close(): void;
}

export interface AppOptions {
  readonly config: Config;
  readonly logger: Logger;
  readonly clock?: Clock;
  /** Batch concurrent writes into one commit (the server turns this on; see StoreOptions). */
  readonly groupCommit?: boolean;
}

/** Opens the data dir and database and builds the services (what every command needs). */
export function createServices({ config, logger, clock = systemClock, groupCommit = false }: AppOptions): { services: Services; migrationsApplied: string[] } {
  prepareDataDir(config.dataDir);
  const secrets = loadSecrets(config.dataDir);
  const { store, migrationsApplied } = openStore(config.dataDir, { groupCommit });
  const services: Services = Object.freeze({
    store,
    clock,
    logger,
    auditKey: secrets.auditKey,
    sessionKey: secrets.sessionKey,
    scan,
    bus: createEventBus(),
    metrics: createMetrics({
      auditEvents: () => countAuditEvents(store.read),
      databaseBytes: () => store.sizeBytes(),
    }),
    options: Object.freeze({
      checkpointExpiryMs: config.checkpointExpiryMinutes * 60_000,
      keyRateLimitPerMinute: config.keyRateLimit,
    }),
  });
  services.bus.subscribe(createAnchorWriter({ dataDir: config.dataDir, auditKey: secrets.auditKey, db: store.read, logger }));
  return { services, migrationsApplied };
}

/** Opens the data dir and database, builds every service and the HTTP surface. */
export function createApp(options: AppOptions): App {
  const { services, migrationsApplied } = createServices(options);
  ensureDefaultRunbook({ ctx: withActor(services, SYSTEM) });
  const http = createHttpApp({
    services,
    config: options.config,
    web: WEB_ASSETS,
    routers: apiRouters({ services, config: options.config, catalogue: catalogueDocument }),
    mcp: createMcpEndpoint(services, { version: pkg.version, maxBodyBytes: options.config.maxBodyBytes }),
  });
  const store = services.store;
  return { services, http, store, migrationsApplied, close: () => store.close() };
}
