import { closeSync, constants, existsSync, mkdirSync, openSync, readFileSync, statSync, writeSync, accessSync } from "node:fs";
import { join } from "node:path";

export class DataDirError extends Error {}

export interface Secrets {
  /** Signs session JWTs (HS256). */
  readonly sessionKey: Uint8Array;
  /** Keys the audit hash chain and scanner fingerprints. */
  readonly auditKey: Uint8Array;
}

const SECRET_FILES = { sessionKey: "session.key", auditKey: "audit.key" } as const;

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

/** Loads the secrets from files in the data dir, generating any that are missing (0600, never logged). */
export function loadSecrets(dir: string): Secrets {
  const out: Record<string, Uint8Array> = {};
  for (const [name, file] of Object.entries(SECRET_FILES)) {
    const path = join(dir, file);
    if (!existsSync(path)) {
      const fd = openSync(path, "wx", 0o600);
      try {
        writeSync(fd, Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString("base64") + "\n");
      } finally {
        closeSync(fd);
      }
    }
    const bytes = Buffer.from(readFileSync(path, "utf8").trim(), "base64");
    if (bytes.length < 32) throw new DataDirError(`secret file ${path} is damaged (expected 32 bytes of base64)`);
    out[name] = new Uint8Array(bytes);
  }
  return Object.freeze(out) as unknown as Secrets;
}
