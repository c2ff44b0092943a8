// OTLP/HTTP logs in the OTLP JSON encoding (opentelemetry-proto, logs/v1): one POST per batch to
// the collector's /v1/logs; a 2xx answer acknowledges the batch.
import type { StreamRecord } from "../core/stream/stream-record.ts";
import { isWarning, recordJson, STREAM_FIELDS } from "./fields.ts";

type AnyValue = { stringValue: string } | { intValue: string } | { doubleValue: number } | { boolValue: boolean } | { arrayValue: { values: AnyValue[] } };
interface KeyValue { key: string; value: AnyValue }

function anyValue(value: unknown): AnyValue | null {
  if (typeof value === "string") return { stringValue: value };
  if (typeof value === "boolean") return { boolValue: value };
  // int64 travels as a decimal string in OTLP JSON.
  if (typeof value === "number") return Number.isInteger(value) ? { intValue: String(value) } : { doubleValue: value };
  if (Array.isArray(value)) return { arrayValue: { values: value.map(anyValue).filter((v): v is AnyValue => v !== null) } };
  return null;
}

const SEVERITY_INFO = 9;
const SEVERITY_WARN = 13;

export interface OtlpResource {
  readonly serviceVersion: string;
  readonly hostName: string;
}

/** One log record per event: the same fields as the syslog structured data, the metadata as `railyard.meta.<key>`. */
function logRecord(r: StreamRecord): Record<string, unknown> {
  const attributes: KeyValue[] = [{ key: "event.name", value: { stringValue: r.type } }];
  for (const f of STREAM_FIELDS) {
    const v = f.value(r);
    if (v === null || !f.otlp.startsWith("railyard.")) continue;
    attributes.push({ key: f.otlp, value: anyValue(v)! });
  }
  for (const [key, v] of Object.entries(r.meta)) {
    const value = anyValue(v);
    if (value) attributes.push({ key: `railyard.meta.${key}`, value });
  }
  const nanos = `${BigInt(r.at) * 1_000_000n}`;
  const warning = isWarning(r.type);
  return {
    timeUnixNano: nanos,
    observedTimeUnixNano: nanos,
    severityNumber: warning ? SEVERITY_WARN : SEVERITY_INFO,
    severityText: warning ? "WARN" : "INFO",
    eventName: r.type,
    body: { stringValue: recordJson(r) },
    attributes,
    // Trace and span ids are hex strings in OTLP JSON (not base64 as elsewhere in proto3 JSON).
    ...(r.traceId && r.spanId ? { traceId: r.traceId, spanId: r.spanId, flags: r.traceFlags ?? 0 } : {}),
  };
}

/** The ExportLogsServiceRequest for a batch. */
export function encodeOtlpLogs(records: readonly StreamRecord[], resource: OtlpResource): Record<string, unknown> {
  return {
    resourceLogs: [{
      resource: {
        attributes: [
          { key: "service.name", value: { stringValue: "railyard" } },
          { key: "service.version", value: { stringValue: resource.serviceVersion } },
          { key: "host.name", value: { stringValue: resource.hostName } },
        ],
      },
      scopeLogs: [{ scope: { name: "railyard.audit", version: resource.serviceVersion }, logRecords: records.map(logRecord) }],
    }],
  };
}

/** POSTs one batch; resolves on 2xx (a partial success is logged by the caller), rejects otherwise. */
export async function sendOtlpBatch(url: string, caPem: string | null, body: Record<string, unknown>, options: { timeoutMs: number; signal?: AbortSignal }): Promise<{ rejected: number }> {
  const signal = options.signal ? AbortSignal.any([options.signal, AbortSignal.timeout(options.timeoutMs)]) : AbortSignal.timeout(options.timeoutMs);
  let response: Response;
  try {
    response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
      signal,
      redirect: "error",
      ...(caPem ? { tls: { ca: caPem } } : {}),
    } as RequestInit);
  } catch (error) {
    const name = (error as Error)?.name;
    throw new Error(name === "TimeoutError" ? `no answer within ${options.timeoutMs} ms` : `${(error as { code?: string })?.code ?? name ?? "error"}: ${(error as Error)?.message ?? ""}`.slice(0, 200));
  }
  const text = await response.text().catch(() => "");
  if (!response.ok) throw new Error(`the collector answered HTTP ${response.status}`);
  try {
    const rejected = Number((JSON.parse(text) as { partialSuccess?: { rejectedLogRecords?: unknown } })?.partialSuccess?.rejectedLogRecords ?? 0);
    return { rejected: Number.isFinite(rejected) ? rejected : 0 };
  } catch {
    return { rejected: 0 };
  }
}
