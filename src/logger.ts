import pino, { type DestinationStream, type Logger } from "pino";
import type { LogLevel } from "./config.ts";

export type { Logger };

const CENSOR = "[redacted]";
/** Field names whose values never reach a log line, at any depth. */
const SECRET_FIELD = /pass(word|phrase)?|secret|token|api[-_]?key|^key$|plaintext|cookie|authori[sz]ation|session|jwt|credential|signature|match(ed)?$/i;
/** Values that look like credentials are censored even under innocent field names or inside messages. */
const SECRET_VALUE = [
  /ryd_[0-9A-Za-z]{20,}/g, // Railyard plugin keys
  /\beyJ[\w-]{5,}\.[\w-]{5,}\.[\w-]*/g, // JWTs (session cookies)
  /\b(Bearer|Basic)\s+[\w.~+/=-]{8,}/gi,
  /(__Host-)?railyard_session=[^;\s]+/g,
];

function censorString(value: string): string {
  let out = value;
  for (const pattern of SECRET_VALUE) out = out.replace(pattern, CENSOR);
  return out;
}

/** Walks a log record, replacing secret-named fields and secret-looking strings. Exported for tests. */
export function censor(value: unknown, depth = 0): unknown {
  if (typeof value === "string") return censorString(value);
  if (value === null || typeof value !== "object" || depth > 8) return value;
  if (value instanceof Error) return { type: value.name, message: censorString(value.message) };
  if (Array.isArray(value)) return value.map((v) => censor(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = SECRET_FIELD.test(k) ? CENSOR : censor(v, depth + 1);
  return out;
}

/**
 * JSON-lines logger with redaction done at the logger itself, so no call site can leak a key,
 * password, cookie or token by mistake. Logs carry ids and kinds, never content.
 */
export function createLogger(level: LogLevel, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: {
        level: (label) => ({ level: label }),
        log: (record) => censor(record) as Record<string, unknown>,
      },
      hooks: {
        // Messages are censored too: a formatted message could embed a header value.
        logMethod(args, method) {
          method.apply(this, args.map((a) => (typeof a === "string" ? censorString(a) : a)) as Parameters<typeof method>);
        },
      },
    },
    destination ?? pino.destination({ dest: 1, sync: true }),
  );
}
