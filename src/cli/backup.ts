import { createHmac } from "node:crypto";
import { chmodSync, closeSync, copyFileSync, existsSync, fsyncSync, openSync, readdirSync, readFileSync, readSync, rmSync, statSync, writeFileSync, writeSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { createServices } from "../app.ts";
import { verifyAudit } from "../core/audit/verify-audit.ts";
import { SYSTEM, withActor } from "../core/context.ts";
import { transact } from "../core/transact.ts";
import { DATABASE_FILE, openDatabase } from "../db/client.ts";
import { prepareDataDir } from "../db/data-dir.ts";
import { pendingMigrations } from "../db/migrate.ts";
import { MIGRATIONS } from "../db/migrations.ts";
import { hmacHex, safeEqual } from "../lib/hash.ts";
import { createLogger } from "../logger.ts";
import { parseCommandArgs, UsageError } from "./args.ts";
import type { Command, Io } from "./io.ts";

const AUDIT_KEY_FILE = "audit.key";

const BACKUP_HELP = `railyard backup FILE [--data-dir DIR]

Writes an online, consistent copy of the database to FILE (which must not exist), mode 0600,
and its manifest to FILE.manifest (the audit chain's head and a MAC with the audit key over the
file; restore refuses a backup without it or that does not match it), and records
backup.created. The server may keep running.

The backup does NOT contain the audit key (DIR/audit.key): the key that makes the audit trail
tamper-evident is deliberately kept apart from the database. Keep a copy of it somewhere safe;
restore needs it.
`;

const RESTORE_HELP = `railyard restore FILE --audit-key KEYFILE [--data-dir DIR]

Restores a backup into an EMPTY (or not yet existing) data dir. FILE must be a Railyard database
with every migration of this version applied, next to its FILE.manifest; KEYFILE is the audit.key
of the data dir the backup came from. Before anything is written, the manifest's MAC over the
file is checked with that key and the file's audit chain head must be the manifest's; then the
chain is verified with the key before the restore is accepted.
Sessions do not survive a restore (a new session key is made): people sign in again.
`;

function parse(argv: string[], io: Io, name: string, spec: Record<string, boolean>, help: string) {
  if (argv.includes("--help") || argv.includes("-h")) {
    io.stdout(help);
    return 0;
  }
  try {
    const parsed = parseCommandArgs(argv, io, spec);
    if (parsed.positional.length !== 1) {
      io.stderr(`railyard ${name}: give exactly one FILE (see railyard ${name} --help)\n`);
      return 2;
    }
    return { ...parsed, file: resolve(io.cwd, parsed.positional[0]!) };
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`railyard ${name}: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
}

/** The manifest written next to a backup, as `FILE.manifest`. */
export const MANIFEST_SUFFIX = ".manifest";
export const MANIFEST_FORMAT = "railyard-backup/1";

/** What a backup manifest holds: the file's size and audit head, MACed (with the file's bytes) by the audit key. */
export interface BackupManifest {
  format: string;
  bytes: number;
  headSeq: number;
  headHash: string | null;
  /** Names the audit key without revealing it, so a wrong key is told apart from a changed file. */
  keyId: string;
  mac: string;
}

export function backupKeyId(key: Uint8Array): string {
  return hmacHex(key, "railyard.backup.key-id").slice(0, 16);
}

/** HMAC-SHA-256 with the audit key over the manifest's fields and then every byte of `file`. */
export function backupMac(key: Uint8Array, file: string, fields: Pick<BackupManifest, "format" | "bytes" | "headSeq" | "headHash">): string {
  const mac = createHmac("sha256", key).update(`railyard.backup|${fields.format}|${fields.bytes}|${fields.headSeq}|${fields.headHash ?? ""}\n`);
  const fd = openSync(file, "r");
  try {
    const chunk = Buffer.allocUnsafe(1 << 20);
    for (let n = readSync(fd, chunk); n > 0; n = readSync(fd, chunk)) mac.update(chunk.subarray(0, n));
  } finally {
    closeSync(fd);
  }
  return mac.digest("hex");
}

/** The newest audit event of a database file (seq 0 and no hash for an empty trail). */
function headOf(file: string): { headSeq: number; headHash: string | null } {
  const sqlite = openDatabase(file, { readonly: true });
  try {
    const head = sqlite.query<{ seq: number; hash: string }, []>("SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1").get();
    return { headSeq: head?.seq ?? 0, headHash: head?.hash ?? null };
  } finally {
    sqlite.close();
  }
}

/** The manifest of the backup `file` under `key`. */
export function manifestFor(file: string, key: Uint8Array): BackupManifest {
  const fields = { format: MANIFEST_FORMAT, bytes: statSync(file).size, ...headOf(file) };
  return { ...fields, keyId: backupKeyId(key), mac: backupMac(key, file, fields) };
}

/** Writes `text` to a new 0600 file and fsyncs it. */
function writeDurably(file: string, text: string): void {
  const fd = openSync(file, "wx", 0o600);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Why the backup `file` does not match its manifest under `key` (checked before anything is written), or null. */
function manifestProblem(file: string, key: Uint8Array): string | null {
  const manifestFile = file + MANIFEST_SUFFIX;
  if (!existsSync(manifestFile)) return `it has no manifest (${basename(manifestFile)}, written next to it by railyard backup); a backup without one cannot be checked`;
  let manifest: Partial<BackupManifest>;
  try {
    manifest = JSON.parse(readFileSync(manifestFile, "utf8")) as Partial<BackupManifest>;
  } catch {
    return `its manifest ${basename(manifestFile)} is not valid JSON`;
  }
  const { format, bytes, headSeq, headHash, keyId: id, mac } = manifest;
  if (format !== MANIFEST_FORMAT) return `its manifest has format ${JSON.stringify(format)}; this version reads ${MANIFEST_FORMAT}`;
  if (typeof bytes !== "number" || typeof headSeq !== "number" || !(typeof headHash === "string" || headHash === null) || typeof id !== "string" || typeof mac !== "string") {
    return "its manifest is incomplete";
  }
  if (!safeEqual(id, backupKeyId(key))) return "it was made with another audit key than this one (the manifest names a different key)";
  if (!safeEqual(mac, backupMac(key, file, { format, bytes, headSeq, headHash }))) {
    return "it does not match its manifest's MAC: the file or the manifest was changed after the backup was made";
  }
  return null;
}

/** Why the backup's audit chain head is not the one its (authentic) manifest records, or null. */
function headProblem(file: string): string | null {
  const manifest = JSON.parse(readFileSync(file + MANIFEST_SUFFIX, "utf8")) as BackupManifest;
  const head = headOf(file);
  if (head.headSeq !== manifest.headSeq || head.headHash !== manifest.headHash) {
    return `its audit chain ends at seq ${head.headSeq}, but its manifest records seq ${manifest.headSeq}`;
  }
  return null;
}

/** Backups of a PostgreSQL database are PostgreSQL's own (README, Scaling out). */
function onPostgres(io: Io, verb: string, tool: string): number {
  io.stderr(`railyard ${verb}: the database is PostgreSQL (--database-url); use ${tool} for it, and keep a copy of audit.key with your backups (README, Scaling out)\n`);
  return 1;
}

/** `railyard backup FILE`: VACUUM INTO a new file, 0600, then `backup.created` (the file is removed if that cannot be recorded). */
export const backupCommand: Command = async (argv, io) => {
  const parsed = parse(argv, io, "backup", {}, BACKUP_HELP);
  if (typeof parsed === "number") return parsed;
  const { config, file } = parsed;
  if (config.databaseUrl !== null) return onPostgres(io, "backup", "pg_dump --format=custom");
  for (const f of [file, file + MANIFEST_SUFFIX]) {
    if (existsSync(f)) {
      io.stderr(`railyard backup: ${f} already exists; backups never overwrite a file\n`);
      return 1;
    }
  }
  if (!existsSync(dirname(file)) || !statSync(dirname(file)).isDirectory()) {
    io.stderr(`railyard backup: the folder ${dirname(file)} does not exist\n`);
    return 1;
  }
  if (resolve(dirname(file)) === resolve(config.dataDir)) {
    io.stderr("railyard backup: write the backup outside the data dir (a backup next to the data protects nothing)\n");
    return 1;
  }
  const { services } = await createServices({ config, logger: createLogger("warn") });
  try {
    await services.store.backupTo(file);
    chmodSync(file, 0o600);
    const bytes = statSync(file).size;
    try {
      const manifest = manifestFor(file, services.auditKey);
      writeDurably(file + MANIFEST_SUFFIX, JSON.stringify(manifest, null, 2) + "\n");
      await transact(withActor(services, SYSTEM), (_tx, record) =>
        record({ type: "backup.created", subject: basename(file).slice(0, 200), meta: { bytes, headSeq: manifest.headSeq } }),
      );
    } catch (error) {
      rmSync(file, { force: true });
      rmSync(file + MANIFEST_SUFFIX, { force: true });
      throw error;
    }
    io.stdout(
      `backup written: ${file} (${bytes} bytes) and its manifest ${file}${MANIFEST_SUFFIX} (keep them together)\n` +
        `The audit key is not in the backup. Keep a copy of ${join(config.dataDir, AUDIT_KEY_FILE)} somewhere safe:\n` +
        `  railyard restore ${file} --audit-key COPY_OF_AUDIT_KEY --data-dir NEW_EMPTY_DIR\n`,
    );
    return 0;
  } finally {
    await services.store.close();
  }
};

/** Why `file` is not a restorable Railyard database of this version, or null. */
function backupProblem(file: string): string | null {
  let sqlite: ReturnType<typeof openDatabase> | null = null;
  try {
    sqlite = openDatabase(file, { readonly: true });
    const check = sqlite.query<{ quick_check: string }, []>("PRAGMA quick_check").get();
    if (check?.quick_check !== "ok") return "the file is damaged (SQLite quick_check failed)";
    const tables = new Set(sqlite.query<{ name: string }, []>("SELECT name FROM sqlite_master WHERE type = 'table'").all().map((r) => r.name));
    if (!tables.has("_migrations") || !tables.has("audit_events")) return "the file is a SQLite database, but not a Railyard one";
    const known = new Set(MIGRATIONS.map((m) => m.name));
    const unknown = sqlite.query<{ name: string }, []>("SELECT name FROM _migrations").all().filter((r) => !known.has(r.name));
    if (unknown.length > 0) return `the backup was made by a newer Railyard (migration ${unknown[0]!.name} is unknown to this version)`;
    const pending = pendingMigrations(sqlite);
    if (pending.length > 0) return `the backup lacks migrations of this version (${pending.join(", ")}); restore it with the version that made it, then upgrade`;
    return null;
  } catch {
    return "the file is not a SQLite database";
  } finally {
    sqlite?.close();
  }
}

/**
 * `railyard restore FILE --audit-key KEYFILE`: into an empty data dir only. Before anything is
 * written the backup is checked: its manifest's MAC (audit key, over the file), a Railyard database
 * with every migration, and its chain head the manifest's. Then it is copied in with the audit key
 * and its chain verified with that key; on any failure the data dir is left empty again.
 * Records `backup.restored`.
 */
export const restoreCommand: Command = async (argv, io) => {
  const parsed = parse(argv, io, "restore", { "audit-key": true }, RESTORE_HELP);
  if (typeof parsed === "number") return parsed;
  const { config, options, file } = parsed;
  if (config.databaseUrl !== null) return onPostgres(io, "restore", "pg_restore");
  const keyOption = options.get("audit-key");
  if (typeof keyOption !== "string") {
    io.stderr("railyard restore: give --audit-key KEYFILE (the audit.key of the data dir the backup came from; it is not inside backups)\n");
    return 2;
  }
  const dataDir = config.dataDir;
  if (existsSync(dataDir) && readdirSync(dataDir).length > 0) {
    io.stderr(`railyard restore: ${dataDir} is not empty; restore only into an empty data dir (choose a new --data-dir, or move its files away yourself)\n`);
    return 1;
  }
  if (!existsSync(file)) {
    io.stderr(`railyard restore: ${file} does not exist\n`);
    return 1;
  }
  let key: Uint8Array;
  try {
    key = new Uint8Array(Buffer.from(readFileSync(resolve(io.cwd, keyOption), "utf8").trim(), "base64"));
  } catch {
    io.stderr(`railyard restore: cannot read the audit key file ${keyOption}\n`);
    return 1;
  }
  if (key.length < 32) {
    io.stderr("railyard restore: the audit key file is not a Railyard audit.key (expected 32 bytes of base64)\n");
    return 1;
  }
  // Every check reads only; nothing is written before all of them pass.
  const problem = manifestProblem(file, key) ?? backupProblem(file) ?? headProblem(file);
  if (problem) {
    io.stderr(`railyard restore: ${file}: ${problem}; nothing restored\n`);
    return 1;
  }

  prepareDataDir(dataDir);
  const created = [DATABASE_FILE, AUDIT_KEY_FILE].map((f) => join(dataDir, f));
  const undo = () => {
    for (const entry of readdirSync(dataDir)) rmSync(join(dataDir, entry), { force: true, recursive: true });
  };
  copyFileSync(file, created[0]!);
  chmodSync(created[0]!, 0o600);
  writeFileSync(created[1]!, Buffer.from(key).toString("base64") + "\n", { mode: 0o600 });
  const { services } = await createServices({ config, logger: createLogger("warn") });
  try {
    const result = await verifyAudit(services.store.read, services.auditKey);
    if (!result.intact) {
      await services.store.close();
      undo();
      io.stderr(`railyard restore: the backup's audit trail does not verify with this key (broken at seq ${result.brokenAt}: ${result.reason}); nothing restored\n`);
      return 1;
    }
    await transact(withActor(services, SYSTEM), (_tx, record) => record({ type: "backup.restored", subject: basename(file).slice(0, 200), meta: { events: result.count, lastSeq: result.lastSeq } }));
    await services.store.close();
    io.stdout(`restored ${file} into ${dataDir}: audit trail intact (${result.count} events). Start with: railyard serve --data-dir ${dataDir}\n`);
    return 0;
  } catch (error) {
    await services.store.close();
    undo();
    throw error;
  }
};
