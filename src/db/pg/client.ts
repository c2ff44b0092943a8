// Connecting to PostgreSQL with Bun's built-in SQL client (no native add-on: the binary stays one
// file). A start that cannot connect stops with one line naming the setting and what to do; the
// URL is never printed (it may hold the password).
import { SQL } from "bun";
import { readFileSync } from "node:fs";
import { DataDirError } from "../data-dir.ts";

export interface PgTarget {
  readonly url: string;
  /** PEM CA file the server's certificate must chain to (raises sslmode to verify-full). */
  readonly caFile?: string | null;
}

/** Where the URL points, without credentials (for messages). */
export function describeTarget(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || "5432"}${u.pathname}`;
  } catch {
    return "the configured server";
  }
}

/** A pool on `target` that has answered one query; otherwise a DataDirError naming the setting. */
export async function connectPg(target: PgTarget, options: { max?: number } = {}): Promise<SQL> {
  let tls: { ca: Buffer } | undefined;
  if (target.caFile) {
    try {
      tls = { ca: readFileSync(target.caFile) };
    } catch (error) {
      throw new DataDirError(`refusing to start: --database-ca-file: cannot read ${target.caFile} (${(error as NodeJS.ErrnoException).code ?? "error"})`);
    }
  }
  const sql = new SQL(target.url, { max: options.max ?? 8, connectionTimeout: 10, idleTimeout: 60, ...(tls ? { tls } : {}) });
  try {
    await sql.unsafe("SELECT 1");
  } catch (error) {
    await sql.close().catch(() => {});
    throw pgStartError(target.url, error);
  }
  return sql;
}

/** A failure to reach or use the server, as the one line an operator reads. */
export function pgStartError(url: string, error: unknown): DataDirError {
  const where = describeTarget(url);
  const e = error as { code?: string; errno?: string; message?: string };
  const detail = (e?.message ?? String(error)).replace(/\s+/g, " ").slice(0, 200);
  const cause = { cause: error };
  if (e?.code === "ERR_POSTGRES_CONNECTION_REFUSED" || e?.code === "ERR_POSTGRES_CONNECTION_TIMEOUT") {
    return new DataDirError(`refusing to start: --database-url: cannot connect to PostgreSQL at ${where} (${detail}); start the server or fix the host and port`, cause);
  }
  if (/pg_hba\.conf/.test(detail)) {
    return new DataDirError(`refusing to start: --database-url: PostgreSQL at ${where} does not accept this connection (${detail}); check sslmode (the server may require TLS) and the server's pg_hba.conf`, cause);
  }
  if (e?.errno === "28P01" || e?.errno === "28000") {
    return new DataDirError(`refusing to start: --database-url: PostgreSQL at ${where} refused the user or password (${detail}); fix the credentials in the URL`, cause);
  }
  if (e?.errno === "3D000") {
    return new DataDirError(`refusing to start: --database-url: ${detail} at ${where}; create it (createdb) or fix the URL`, cause);
  }
  if (String(e?.code ?? "").includes("TLS") || /certificate|ssl|tls/i.test(detail)) {
    return new DataDirError(`refusing to start: --database-url: TLS to PostgreSQL at ${where} failed (${detail}); check sslmode and --database-ca-file`, cause);
  }
  return new DataDirError(`refusing to start: --database-url: PostgreSQL at ${where}: ${detail}`, cause);
}
