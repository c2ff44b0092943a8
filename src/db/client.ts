import { Database } from "bun:sqlite";
import { chmodSync, existsSync } from "node:fs";

export const DATABASE_FILE = "railyard.sqlite";
const BUSY_TIMEOUT_MS = 5000;

/**
 * Opens the database with the pragmas the design requires: WAL, synchronous=FULL (an acknowledged
 * write survives power loss), foreign keys, a busy timeout. Files are made 0600.
 */
export function openDatabase(path: string, options: { readonly?: boolean } = {}): Database {
  const sqlite = new Database(path, options.readonly ? { readonly: true } : { create: true, readwrite: true, strict: true });
  sqlite.run(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`);
  if (!options.readonly) {
    sqlite.run("PRAGMA journal_mode = WAL");
    sqlite.run("PRAGMA synchronous = FULL");
    for (const suffix of ["", "-wal", "-shm"]) {
      if (existsSync(path + suffix)) chmodSync(path + suffix, 0o600);
    }
  }
  sqlite.run("PRAGMA foreign_keys = ON");
  return sqlite;
}
