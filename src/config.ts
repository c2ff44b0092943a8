import { readFileSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import { looksLikePemCertificates, parseStreamUrl } from "./lib/stream-url.ts";
import { issuerProblem, redirectUrlProblem } from "./core/identity/issuer.ts";

/**
 * The only reader of command-line flags and RAILYARD_* environment variables.
 * Flags override environment variables, which override defaults. Invalid values fail with one
 * line naming the setting, before anything is opened or written.
 */
export interface Config {
  readonly host: string;
  readonly port: number;
  readonly dataDir: string;
  /** PostgreSQL connection URL; null for the embedded SQLite database in the data dir. */
  readonly databaseUrl: string | null;
  readonly databaseCaFile: string | null;
  /** The URL people and agents use to reach this server; its host joins the Host/Origin allow-list. */
  readonly publicUrl: string | null;
  readonly tlsCert: string | null;
  readonly tlsKey: string | null;
  readonly logLevel: LogLevel;
  readonly metrics: boolean;
  readonly metricsTokenFile: string | null;
  /** The bearer token /metrics requires, read from `metricsTokenFile` (null when metrics are off). */
  readonly metricsToken: string | null;
  /** Requests per minute a single plugin key may make on /mcp. */
  readonly keyRateLimit: number;
  /** Largest accepted request body, in bytes. */
  readonly maxBodyBytes: number;
  /** How long pending checkpoints wait for a decision before they expire. */
  readonly checkpointExpiryMinutes: number;
  /** How long shutdown waits for in-flight requests. */
  readonly shutdownGraceMs: number;
  /** OpenID Connect sign-in from flags (wins over the provider set in Settings); null when --oidc-issuer is not given. */
  readonly oidcIssuer: string | null;
  readonly oidcClientId: string | null;
  readonly oidcClientSecretFile: string | null;
  /** The client secret read from `oidcClientSecretFile` (never logged or echoed). */
  readonly oidcClientSecret: string | null;
  readonly oidcRedirectUrl: string | null;
  /** Audit-stream destinations from --audit-syslog / --audit-otlp (DESIGN.md §12), with their CA PEM read from the CA files. */
  readonly auditStreams: AuditStreamFlags;
  /** Hosts accepted in Host and Origin headers (lower case, without port). */
  readonly allowedHosts: readonly string[];
}

export interface AuditStreamFlags {
  readonly syslog?: { readonly url: string; readonly caPem: string | null };
  readonly otlp?: { readonly url: string; readonly caPem: string | null };
}

export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export class ConfigError extends Error {}

type Kind = "string" | "port" | "int" | "bool" | "url" | "path" | "loglevel" | "dburl";
interface Setting {
  flag: string;
  kind: Kind;
  default: string | null;
  min?: number;
  max?: number;
  help: string;
}

/** Every setting, its flag (also its env name: RAILYARD_ + upper snake case) and default. */
export const SETTINGS = {
  host: { flag: "host", kind: "string", default: "127.0.0.1", help: "address to listen on" },
  port: { flag: "port", kind: "port", default: "7433", help: "port to listen on" },
  dataDir: { flag: "data-dir", kind: "path", default: "./railyard-data", help: "directory holding the database and secrets" },
  databaseUrl: { flag: "database-url", kind: "dburl", default: null, help: "postgres://user:password@host:5432/db?sslmode=verify-full (PostgreSQL instead of the embedded SQLite)" },
  databaseCaFile: { flag: "database-ca-file", kind: "path", default: null, help: "PEM CA file the PostgreSQL server's certificate must chain to" },
  publicUrl: { flag: "public-url", kind: "url", default: null, help: "URL people and agents use (required with a non-loopback --host)" },
  tlsCert: { flag: "tls-cert", kind: "path", default: null, help: "PEM certificate file (enables TLS, with --tls-key)" },
  tlsKey: { flag: "tls-key", kind: "path", default: null, help: "PEM private key file" },
  logLevel: { flag: "log-level", kind: "loglevel", default: "info", help: LOG_LEVELS.join(" | ") },
  metrics: { flag: "metrics", kind: "bool", default: "false", help: "serve Prometheus metrics on /metrics (needs --metrics-token-file)" },
  metricsTokenFile: { flag: "metrics-token-file", kind: "path", default: null, help: "file holding the bearer token /metrics requires (one line)" },
  keyRateLimit: { flag: "key-rate-limit", kind: "int", default: "600", min: 1, max: 1_000_000, help: "requests per minute per plugin key" },
  maxBodyBytes: { flag: "max-body-bytes", kind: "int", default: "1048576", min: 1024, max: 64 * 1048576, help: "largest request body" },
  checkpointExpiryMinutes: { flag: "checkpoint-expiry-minutes", kind: "int", default: "1440", min: 1, max: 525_600, help: "pending checkpoints expire after this" },
  oidcIssuer: { flag: "oidc-issuer", kind: "string", default: null, help: "OpenID Connect issuer URL (https://, or http:// on a loopback address); enables \"Sign in with SSO\"" },
  oidcClientId: { flag: "oidc-client-id", kind: "string", default: null, help: "the client id registered for Railyard at the OpenID provider" },
  oidcClientSecretFile: { flag: "oidc-client-secret-file", kind: "path", default: null, help: "file holding the client secret (one line; omit for a public client)" },
  oidcRedirectUrl: { flag: "oidc-redirect-url", kind: "string", default: null, help: "redirect URL registered at the provider (default <public-url>/api/auth/oidc/callback)" },
  auditSyslog: { flag: "audit-syslog", kind: "string", default: null, help: "stream the audit trail to syslog: tcp://host:port or tls://host:port (RFC 5424, octet-counted)" },
  auditSyslogCa: { flag: "audit-syslog-ca", kind: "path", default: null, help: "PEM CA file the tls:// syslog receiver's certificate must chain to" },
  auditOtlp: { flag: "audit-otlp", kind: "string", default: null, help: "stream the audit trail as OTLP/HTTP logs: http(s)://collector:4318" },
  auditOtlpCa: { flag: "audit-otlp-ca", kind: "path", default: null, help: "PEM CA file the https:// collector's certificate must chain to" },
  shutdownGraceMs: { flag: "shutdown-grace-ms", kind: "int", default: "10000", min: 0, max: 600_000, help: "time in-flight requests get at shutdown" },
} as const satisfies Record<string, Setting>;

type SettingName = keyof typeof SETTINGS;

export function envName(flag: string): string {
  return `RAILYARD_${flag.toUpperCase().replaceAll("-", "_")}`;
}

/** Splits `argv` into known `--flag value` / `--flag=value` settings and the remaining arguments. */
export function extractFlags(argv: readonly string[]): { flags: Map<string, string>; rest: string[] } {
  const known = new Map<string, Kind>(Object.values(SETTINGS).map((s) => [s.flag, s.kind]));
  const flags = new Map<string, string>();
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--") {
      rest.push(...argv.slice(i));
      break;
    }
    const match = /^--([a-z-]+)(?:=(.*))?$/s.exec(arg);
    const kind = match ? known.get(match[1]!) : undefined;
    if (!match || !kind) {
      rest.push(arg);
      continue;
    }
    const name = match[1]!;
    if (match[2] !== undefined) flags.set(name, match[2]);
    else if (kind === "bool" && (argv[i + 1] === undefined || argv[i + 1]!.startsWith("--"))) flags.set(name, "true");
    else if (argv[i + 1] === undefined) throw new ConfigError(`--${name} needs a value`);
    else flags.set(name, argv[++i]!);
  }
  return { flags, rest };
}

function parseValue(name: SettingName, raw: string, source: string, cwd: string): unknown {
  const s: Setting = SETTINGS[name];
  const fail = (why: string): never => {
    throw new ConfigError(`invalid ${source}: ${why}`);
  };
  switch (s.kind) {
    case "string":
      if (raw.trim() === "" || raw.length > 255) fail(`expected a non-empty value`);
      return raw.trim();
    case "port": {
      const n = Number(raw);
      // 0 asks the system for a free port (tests, smoke checks); the log line names the real one.
      if (!/^\d+$/.test(raw) || n > 65535) fail(`"${raw}" is not a port number (1-65535, or 0 for any free port)`);
      return n;
    }
    case "int": {
      const n = Number(raw);
      if (!/^\d+$/.test(raw) || n < (s.min ?? 0) || n > (s.max ?? Number.MAX_SAFE_INTEGER)) {
        fail(`"${raw}" is not a whole number from ${s.min ?? 0} to ${s.max}`);
      }
      return n;
    }
    case "bool":
      if (["true", "1", "yes", "on"].includes(raw.toLowerCase())) return true;
      if (["false", "0", "no", "off"].includes(raw.toLowerCase())) return false;
      return fail(`"${raw}" is not true or false`);
    case "url": {
      let url: URL | null = null;
      try {
        url = new URL(raw);
      } catch {
        fail(`"${raw}" is not a URL (for example https://railyard.example.internal)`);
      }
      if (url!.protocol !== "http:" && url!.protocol !== "https:") fail(`the URL must start with http:// or https://`);
      if (url!.username || url!.password) fail(`the URL must not contain credentials`);
      return url!.origin;
    }
    case "path":
      if (raw.trim() === "" || raw.includes("\0")) fail(`expected a file system path`);
      return isAbsolute(raw) ? raw : resolve(cwd, raw);
    case "dburl": {
      // Never echoed: the URL may carry the password.
      let url: URL | null = null;
      try {
        url = new URL(raw);
      } catch {
        fail(`not a URL (expected postgres://user:password@host:5432/database)`);
      }
      if (url!.protocol !== "postgres:" && url!.protocol !== "postgresql:") fail(`the URL must start with postgres:// (only PostgreSQL is supported)`);
      if (!url!.hostname) fail(`the URL names no host`);
      const sslmode = url!.searchParams.get("sslmode");
      if (sslmode !== null && !SSL_MODES.includes(sslmode)) fail(`sslmode must be one of ${SSL_MODES.join(", ")}`);
      return raw;
    }
    case "loglevel":
      if (!(LOG_LEVELS as readonly string[]).includes(raw)) fail(`"${raw}" is not one of ${LOG_LEVELS.join(", ")}`);
      return raw;
  }
}

/** The libpq sslmode values this client honours (see src/db/pg/client.ts). */
export const SSL_MODES = ["disable", "require", "verify-ca", "verify-full"];

const LOOPBACK_HOSTS = ["127.0.0.1", "localhost", "[::1]", "::1"];

/** Builds the frozen configuration from flags, the environment and defaults. */
export function loadConfig(flags: Map<string, string>, env: Record<string, string | undefined>, cwd: string): Config {
  const values: Record<string, unknown> = {};
  for (const [name, setting] of Object.entries(SETTINGS) as [SettingName, Setting][]) {
    const fromFlag = flags.get(setting.flag);
    const fromEnv = env[envName(setting.flag)];
    if (fromFlag !== undefined) values[name] = parseValue(name, fromFlag, `--${setting.flag}`, cwd);
    else if (fromEnv !== undefined && fromEnv !== "") values[name] = parseValue(name, fromEnv, envName(setting.flag), cwd);
    else values[name] = setting.default === null ? null : parseValue(name, setting.default, `default ${setting.flag}`, cwd);
  }
  if ((values.tlsCert === null) !== (values.tlsKey === null)) {
    throw new ConfigError("invalid --tls-cert/--tls-key: give both files to enable TLS, or neither");
  }
  const host = values.host as string;
  const publicUrl = values.publicUrl as string | null;
  if (!LOOPBACK_HOSTS.includes(host) && publicUrl === null) {
    throw new ConfigError(`invalid --host: serving ${host} needs --public-url too (the address people and agents will use)`);
  }
  const metricsToken = values.metrics ? readMetricsToken(values.metricsTokenFile as string | null) : null;
  const oidcClientSecret = checkOidcFlags(values);
  const allowed = new Set(LOOPBACK_HOSTS.filter((h) => !h.startsWith("::")));
  if (publicUrl) allowed.add(new URL(publicUrl).hostname.toLowerCase());
  if (!LOOPBACK_HOSTS.includes(host) && host !== "0.0.0.0" && host !== "::") allowed.add(host.toLowerCase());
  const auditStreams = auditStreamFlags(values);
  return Object.freeze({ ...values, metricsToken, oidcClientSecret, auditStreams, allowedHosts: Object.freeze([...allowed]) }) as Config;
}

/**
 * The /metrics bearer token: the file's one line (a trailing newline is fine), 16 to 4096 visible
 * characters. Metrics name routes, tools and volumes, so they are never served without one.
 */
function readMetricsToken(file: string | null): string {
  if (file === null) {
    throw new ConfigError("invalid --metrics: serving /metrics needs --metrics-token-file (a file holding the bearer token your scraper sends)");
  }
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new ConfigError(`invalid --metrics-token-file: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? "error"})`);
  }
  const token = text.replace(/\r?\n$/, "");
  if (!/^[\x21-\x7e]{16,4096}$/.test(token)) {
    throw new ConfigError(`invalid --metrics-token-file: ${file} must hold one line of 16 to 4096 visible characters (no spaces)`);
  }
  return token;
}

/**
 * Checks the --oidc-* flags as a whole and reads the client secret file. The secret is never part
 * of an error message; a bad value is named by its flag.
 */
function checkOidcFlags(values: Record<string, unknown>): string | null {
  const issuer = values.oidcIssuer as string | null;
  const others = (["oidcClientId", "oidcClientSecretFile", "oidcRedirectUrl"] as const).filter((k) => values[k] !== null);
  if (issuer === null) {
    if (others.length > 0) throw new ConfigError(`invalid --${SETTINGS[others[0]!].flag}: it needs --oidc-issuer too`);
    return null;
  }
  const issuerWhy = issuerProblem(issuer);
  if (issuerWhy) throw new ConfigError(`invalid --oidc-issuer: ${issuerWhy}`);
  if (values.oidcClientId === null) throw new ConfigError("invalid --oidc-issuer: it needs --oidc-client-id too (the client registered for Railyard)");
  const redirect = values.oidcRedirectUrl as string | null;
  const redirectWhy = redirect === null ? null : redirectUrlProblem(redirect);
  if (redirectWhy) throw new ConfigError(`invalid --oidc-redirect-url: ${redirectWhy}`);
  const file = values.oidcClientSecretFile as string | null;
  if (file === null) return null;
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new ConfigError(`invalid --oidc-client-secret-file: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? "error"})`);
  }
  const secret = text.replace(/\r?\n$/, "");
  if (!/^[\x20-\x7e]{1,4096}$/.test(secret)) throw new ConfigError(`invalid --oidc-client-secret-file: ${file} must hold one line of 1 to 4096 printable characters`);
  return secret;
}

/** The audit-stream flags, checked (address form, CA only with TLS, CA file readable PEM) before anything starts. */
function auditStreamFlags(values: Record<string, unknown>): AuditStreamFlags {
  const out: { syslog?: { url: string; caPem: string | null }; otlp?: { url: string; caPem: string | null } } = {};
  for (const [kind, urlKey, caKey, flag] of [["syslog", "auditSyslog", "auditSyslogCa", "audit-syslog"], ["otlp", "auditOtlp", "auditOtlpCa", "audit-otlp"]] as const) {
    const raw = values[urlKey] as string | null;
    const caFile = values[caKey] as string | null;
    if (raw === null) {
      if (caFile !== null) throw new ConfigError(`invalid --${flag}-ca: it needs --${flag} too`);
      continue;
    }
    const address = parseStreamUrl(raw);
    if ("error" in address) throw new ConfigError(`invalid --${flag}: ${address.error}`);
    if (address.kind !== kind) throw new ConfigError(`invalid --${flag}: ${kind === "syslog" ? "use tcp://host:port or tls://host:port" : "use http(s)://collector:4318"}`);
    if (caFile !== null && !address.tls) throw new ConfigError(`invalid --${flag}-ca: a CA applies only to a ${kind === "syslog" ? "tls://" : "https://"} address`);
    let caPem: string | null = null;
    if (caFile !== null) {
      try {
        caPem = readFileSync(caFile, "utf8");
      } catch (error) {
        throw new ConfigError(`invalid --${flag}-ca: cannot read ${caFile} (${(error as NodeJS.ErrnoException).code ?? "error"})`);
      }
      if (!looksLikePemCertificates(caPem)) throw new ConfigError(`invalid --${flag}-ca: ${caFile} does not hold PEM certificates`);
    }
    out[kind] = Object.freeze({ url: address.url, caPem });
  }
  return Object.freeze(out);
}

/** The settings as help text lines. */
export function settingsHelp(): string {
  return Object.values(SETTINGS)
    .map((s) => `  --${s.flag.padEnd(28)} ${s.help}${s.default !== null ? ` (default ${s.default})` : ""}  [${envName(s.flag)}]`)
    .join("\n");
}
