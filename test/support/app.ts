// Shared test harness: a fresh data dir and database per app, a manual clock, and fast seeding.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { createApp, type App, type AppOptions } from "../../src/app.ts";
import type { StoreOptions } from "../../src/db/store.ts";
import { extractFlags, loadConfig, type Config } from "../../src/config.ts";
import { SYSTEM, withActor, type Actor, type Ctx } from "../../src/core/context.ts";
import type { Role } from "../../src/core/roles.ts";
import { transact } from "../../src/core/transact.ts";
import { insertUser } from "../../src/core/user/create-user.ts";
import { hashPassword } from "../../src/core/user/password.ts";
import type { UserView } from "../../src/core/user/schemas.ts";
import { createLogger } from "../../src/logger.ts";
import { createTestDatabase, dropTestDatabase, onPostgres, registerTestDatabase } from "./backend.ts";
import { closeInspection } from "./inspect.ts";
import { ManualClock } from "../../src/lib/time.ts";

export interface TestApp extends App {
  config: Config;
  dataDir: string;
  clock: ManualClock;
  /** Everything the app logged, as text (JSON lines). */
  logs(): string;
  ctx(actor?: Actor): Ctx;
  /** Sends a request through the real HTTP stack; `path` may be relative ("/api/…"). */
  request(path: string, init?: RequestInit): Promise<Response>;
  dispose(): Promise<void>;
}

/** Builds a complete app on a fresh temporary data dir. `flags` are CLI-style settings. */
export async function createTestApp(
  flags: Record<string, string> = {},
  options: {
    storeOptions?: StoreOptions;
    notifier?: AppOptions["notifier"];
    streamWorker?: AppOptions["streamWorker"];
    /** The ritual miner's background job: off unless a test asks for it (passes are run explicitly). */
    minerWorker?: AppOptions["minerWorker"];
    /** Always the embedded SQLite database, for tests of its file (the suite's backend otherwise). */
    sqlite?: boolean;
  } = {},
): Promise<TestApp> {
  const dataDir = mkdtempSync(join(tmpdir(), "railyard-test-"));
  const databaseUrl = onPostgres && !options.sqlite && !flags["database-url"] ? await createTestDatabase() : null;
  registerTestDatabase(dataDir, databaseUrl);
  const argv = Object.entries({ "data-dir": dataDir, "log-level": "info", ...(databaseUrl ? { "database-url": databaseUrl } : {}), ...flags })
    .flatMap(([k, v]) => [`--${k}`, v]);
  const config = loadConfig(extractFlags(argv).flags, {}, dataDir);
  // A data dir given as a flag belongs to this app's database too (helpers are given either).
  registerTestDatabase(config.dataDir, config.databaseUrl);
  let logged = "";
  const sink = new Writable({
    write(chunk, _enc, done) {
      logged += chunk.toString();
      done();
    },
  });
  const clock = new ManualClock(Date.UTC(2026, 10, 23, 12, 0, 0));
  const logger = createLogger(config.logLevel, sink as unknown as Parameters<typeof createLogger>[1]);
  const app = await createApp({ config, logger, clock, storeOptions: options.storeOptions, notifier: options.notifier, streamWorker: options.streamWorker, minerWorker: options.minerWorker ?? false });
  const base = `http://127.0.0.1:${config.port}`;
  return {
    ...app,
    config,
    dataDir,
    clock,
    logs: () => logged,
    ctx: (actor = SYSTEM) => withActor(app.services, actor),
    request: (path, init) => app.http.handle(new Request(path.startsWith("http") ? path : base + path, init)),
    async dispose() {
      closeInspection(dataDir);
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
      if (databaseUrl) await dropTestDatabase(databaseUrl);
    },
  };
}

export const TEST_PASSWORD = "Synthetic-test-passphrase-42";
let cachedHash: Promise<string> | null = null;

/**
 * Inserts a user directly (bcrypt of the shared test password computed once per process, so
 * suites stay fast). Returns the user and the actor that represents them.
 */
export async function seedUser(app: TestApp, role: Role, email = `${role}-${crypto.randomUUID().slice(0, 8)}@example.test`): Promise<{ user: UserView; actor: Actor; password: string }> {
  cachedHash ??= hashPassword(TEST_PASSWORD);
  const passwordHash = await cachedHash;
  const user = await transact(app.ctx(), (tx, record) => insertUser(tx, record, app.clock.now(), { email, name: `Test ${role}`, role, passwordHash }));
  return { user, actor: { kind: "human", userId: user.id, role }, password: TEST_PASSWORD };
}
