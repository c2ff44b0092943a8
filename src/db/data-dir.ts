import { Database } from "bun:sqlite";
import {
  closeSync,
  constants,
  existsSync,
  fsyncSync,
  linkSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
  accessSync,
} from "node:fs";
import { join } from "node:path";
import { DATABASE_FILE } from "./client.ts";

export class DataDirError extends Error {}

export interface Secrets {
  /** Signs session JWTs (HS256). */
  readonly sessionKey: Uint8Array;
  /** Keys the audit hash chain and scanner fingerprints. */
  readonly auditKey: Uint8Array;
}

const SECRET_FILES = { sessionKey: "session.key", auditKey: "audit.key" } as const;
const AUDIT_KEY_FILE = SECRET_FILES.auditKey;
import { ANCHOR_FILE } from "./anchor-file.ts";
export const LOCK_FILE = "railyard.lock";

/**
 * Creates the data directory 0700 if missing and refuses one that is writable by group or others
 * (anyone who can write there can replace the database or the audit key).
 */
export function prepareDataDir(dir: string): void {
  if (!existsSync(dir)) {
    try {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
    } catch (error) {
      throw new DataDirError(`invalid --data-dir: cannot create ${dir} (${(error as NodeJS.ErrnoException).code ?? "error"})`);
    }
  }
  const stat = statSync(dir);
  if (!stat.isDirectory()) throw new DataDirError(`invalid --data-dir: ${dir} is not a directory`);
  if ((stat.mode & 0o022) !== 0) {
    const mode = (stat.mode & 0o777).toString(8);
    throw new DataDirError(`refusing to start: data dir ${dir} is writable by group or others (mode ${mode}); run: chmod 700 ${dir}`);
  }
  try {
    accessSync(dir, constants.W_OK | constants.R_OK | constants.X_OK);
  } catch {
    throw new DataDirError(`invalid --data-dir: ${dir} is not writable by this user`);
  }
}

/** What the data dir's database holds, looked at before any file is created. */
export type DatabaseState = { readonly kind: "missing" | "empty" } | { readonly kind: "present"; readonly hasAuditEvents: boolean };

/**
 * A database failure as the one line an operator reads: what happened, to which file, what to do.
 * Damage (a failed quick_check, SQLITE_CORRUPT/NOTADB) asks for a backup; a full disk for space.
 */
export function databaseError(path: string, error: unknown, action = "refusing to start"): DataDirError {
  const cause = { cause: error };
  const detail = (error instanceof Error ? error.message : String(error)).replace(/\s+/g, " ").slice(0, 300);
  const code = String((error as { code?: unknown })?.code ?? "");
  // SHMSIZE: the WAL's shared-memory index could not be grown, which on a full disk is what opening fails with.
  if (code.startsWith("SQLITE_FULL") || code === "SQLITE_IOERR_SHMSIZE") return new DataDirError(`${action}: the disk holding ${path} is full (${detail}${code ? `, ${code}` : ""}); free some space and try again`, cause);
  if (code.startsWith("SQLITE_CORRUPT") || code.startsWith("SQLITE_NOTADB") || detail.startsWith("quick_check")) {
    return new DataDirError(`${action}: the database ${path} is damaged (${detail}); restore it from a backup (railyard restore) or move it aside`, cause);
  }
  return new DataDirError(`${action}: database ${path}: ${detail}${code ? ` (${code})` : ""}`, cause);
}

function inspectDatabase(dir: string): DatabaseState {
  const path = join(dir, DATABASE_FILE);
  if (!existsSync(path)) return { kind: "missing" };
  let sqlite: Database | null = null;
  try {
    // Read-write (WAL recovery may need it) but never create: this only looks.
    sqlite = new Database(path, { readwrite: true, create: false });
    const tables = new Set(sqlite.query<{ name: string }, []>("SELECT name FROM sqlite_master WHERE type = 'table'").all().map((r) => r.name));
    if (tables.size === 0) return { kind: "empty" };
    const hasAuditEvents = tables.has("audit_events") && sqlite.query("SELECT 1 FROM audit_events LIMIT 1").get() !== null;
    return { kind: "present", hasAuditEvents };
  } catch (error) {
    throw databaseError(path, error);
  } finally {
    sqlite?.close();
  }
}

/**
 * Loads the secrets from files in the data dir, generating any that are missing (0600, never
 * logged, fsynced with the directory). Refuses, before creating anything, a data dir whose audit
 * key or head anchor outlived its database (a lost database is not a first start), and never
 * replaces a missing audit key while the database holds events (the old trail would become
 * unverifiable forever).
 */
export function loadSecrets(dir: string, database: DatabaseState = inspectDatabase(dir), databaseName = DATABASE_FILE): Secrets {
  const leftovers = [AUDIT_KEY_FILE, ANCHOR_FILE].filter((file) => existsSync(join(dir, file)));
  if (database.kind !== "present" && leftovers.length > 0) {
    throw new DataDirError(
      `refusing to start: ${dir} holds ${leftovers.join(" and ")} but its database ${databaseName} is ${database.kind}; ` +
        `restore the database from a backup (railyard restore), or for a fresh install move ${dir} aside`,
    );
  }
  const auditKeyPath = join(dir, AUDIT_KEY_FILE);
  if (database.kind === "present" && database.hasAuditEvents && !existsSync(auditKeyPath)) {
    throw new DataDirError(
      `refusing to start: ${auditKeyPath} is missing but the database holds audit events; put the original audit.key back (a new key would leave the trail unverifiable)`,
    );
  }
  const out: Record<string, Uint8Array> = {};
  for (const [name, file] of Object.entries(SECRET_FILES)) {
    const path = join(dir, file);
    if (!existsSync(path)) writeNewSecret(dir, path);
    out[name] = readSecret(path);
  }
  return Object.freeze(out) as unknown as Secrets;
}

function readSecret(path: string): Uint8Array {
  const bytes = Buffer.from(readFileSync(path, "utf8").trim(), "base64");
  if (bytes.length < 32) throw new DataDirError(`secret file ${path} is damaged (expected 32 bytes of base64)`);
  return new Uint8Array(bytes);
}

/** The audit key only, never created (for reading the trail without opening the data dir for writing). */
export function readAuditKey(dir: string): Uint8Array {
  const path = join(dir, AUDIT_KEY_FILE);
  if (!existsSync(path)) throw new DataDirError(`${path} is missing; put the original audit.key back`);
  return readSecret(path);
}

/** Creates a new random key file (never overwriting one) and makes it durable: the file, then its directory entry. */
function writeNewSecret(dir: string, path: string): void {
  const fd = openSync(path, "wx", 0o600);
  try {
    writeSync(fd, Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString("base64") + "\n");
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  syncDirectory(dir);
}

function syncDirectory(dir: string): void {
  const fd = openSync(dir, constants.O_RDONLY);
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Held by a running `serve`; `release()` removes the lock file if it is still ours. */
export interface DataDirLock {
  release(): void;
}

/** The kernel's start time of a process (Linux), so a recycled pid is not taken for the old server. */
function processStart(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19] ?? null;
  } catch {
    return null;
  }
}

function alive(pid: number, start: string | null): boolean {
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EPERM") return false;
  }
  const now = processStart(pid);
  return start === null || now === null || now === start;
}

function parseLock(text: string): { pid: number; start: string | null } | null {
  const [pid, start] = text.trim().split(/\s+/);
  const n = Number(pid);
  return Number.isSafeInteger(n) && n > 0 ? { pid: n, start: start && start !== "-" ? start : null } : null;
}

/**
 * Takes the data dir for one server: `railyard.lock`, created exclusively, holds this process's
 * pid. A lock whose process is gone (kill -9, power loss) is taken over; a live one is refused
 * with one line naming it. CLI commands do not take it: they work beside a running server.
 */
export function lockDataDir(dir: string): DataDirLock {
  const path = join(dir, LOCK_FILE);
  const mine = `${process.pid} ${processStart(process.pid) ?? "-"}\n`;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
      try {
        writeSync(fd, mine);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      return {
        release() {
          try {
            if (readFileSync(path, "utf8") === mine) unlinkSync(path);
          } catch {
            // Already gone.
          }
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw new DataDirError(`refusing to start: cannot create ${path} (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
    }
    let text: string;
    try {
      text = readFileSync(path, "utf8");
    } catch {
      continue; // Released meanwhile: try again.
    }
    const holder = parseLock(text);
    if (holder && alive(holder.pid, holder.start)) {
      throw new DataDirError(`refusing to start: another Railyard server (pid ${holder.pid}) is using ${dir}; stop it first (CLI commands work beside it)`);
    }
    // Stale. Move it aside atomically, then make sure what moved is the stale lock and not a lock
    // another starting server took in between (that one is put back and wins).
    const aside = `${path}.stale-${process.pid}`;
    try {
      renameSync(path, aside);
    } catch {
      continue;
    }
    const moved = readFileSync(aside, "utf8");
    if (moved !== text) {
      try {
        linkSync(aside, path);
      } catch {
        // Someone holds the lock now; the next attempt reports them.
      }
    }
    unlinkSync(aside);
  }
  throw new DataDirError(`refusing to start: cannot take ${path}; another Railyard server is starting on ${dir}`);
}
