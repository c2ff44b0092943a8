// Opens the configured backend: the embedded SQLite database in the data dir, or PostgreSQL
// when a database URL is set. Either way the data dir holds the secrets and the audit anchor.
import type { Store } from "../core/store.ts";
import { loadSecrets, type Secrets } from "./data-dir.ts";
import { connectPg, describeTarget } from "./pg/client.ts";
import { openPgStore, pgDatabaseState } from "./pg/store.ts";
import { openStore, type StoreOptions } from "./store.ts";

export interface BackendConfig {
  readonly dataDir: string;
  readonly databaseUrl: string | null;
  readonly databaseCaFile: string | null;
}

export interface OpenedBackend {
  readonly store: Store;
  readonly secrets: Secrets;
  readonly migrationsApplied: string[];
  /** "sqlite" or "postgres", for the start-up log line. */
  readonly backend: "sqlite" | "postgres";
}

export async function openBackend(config: BackendConfig, options: StoreOptions = {}): Promise<OpenedBackend> {
  if (config.databaseUrl === null) {
    const secrets = loadSecrets(config.dataDir);
    const { store, migrationsApplied } = openStore(config.dataDir, options);
    return { store, secrets, migrationsApplied, backend: "sqlite" };
  }
  const sql = await connectPg({ url: config.databaseUrl, caFile: config.databaseCaFile });
  let secrets: Secrets;
  try {
    secrets = loadSecrets(config.dataDir, await pgDatabaseState(sql), `at ${describeTarget(config.databaseUrl)}`);
  } catch (error) {
    await sql.close();
    throw error;
  }
  const { store, migrationsApplied } = await openPgStore(sql, config.databaseUrl, config.dataDir, options);
  return { store, secrets, migrationsApplied, backend: "postgres" };
}
