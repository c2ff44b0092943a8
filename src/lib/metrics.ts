import { Counter, Gauge, Histogram, Registry } from "prom-client";

/** What the edges report; the core never depends on it. */
export interface Metrics {
  request(route: string, method: string, status: number, seconds: number): void;
  toolCall(tool: string, outcome: "ok" | "business_error" | "protocol_error", seconds: number): void;
  scannerBlocked(kind: string): void;
  /** A notification delivery failed for good (after its last retry), by channel kind. */
  notificationFailed(kind: string): void;
  /** Prometheus text exposition. */
  render(): Promise<{ body: string; contentType: string }>;
}

export interface MetricsSources {
  /** Number of audit events stored. */
  auditEvents(): Promise<number>;
  /** Database size in bytes. */
  databaseBytes(): Promise<number>;
  /** Audit-stream destinations with their lag and counts. */
  auditStreams?(): Promise<readonly AuditStreamSample[]>;
  /** Notification deliveries stored, by status (pending, delivered, failed). */
  notificationDeliveries?(): Promise<Readonly<Record<string, number>>>;
}

export interface AuditStreamSample {
  readonly id: string;
  readonly kind: string;
  readonly delivered: number;
  readonly failures: number;
  readonly lag: { readonly events: number; readonly seconds: number };
}

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** A private registry (no process-wide default registry, no default Node metrics). */
export function createMetrics(sources: MetricsSources): Metrics {
  const registry = new Registry();
  const requests = new Counter({ name: "railyard_http_requests_total", help: "HTTP requests by route, method and status.", labelNames: ["route", "method", "status"], registers: [registry] });
  const requestSeconds = new Histogram({ name: "railyard_http_request_duration_seconds", help: "HTTP request latency.", labelNames: ["route"], buckets: LATENCY_BUCKETS, registers: [registry] });
  const tools = new Counter({ name: "railyard_mcp_tool_calls_total", help: "MCP tool calls by tool and outcome.", labelNames: ["tool", "outcome"], registers: [registry] });
  const toolSeconds = new Histogram({ name: "railyard_mcp_tool_call_duration_seconds", help: "MCP tool call latency.", labelNames: ["tool"], buckets: LATENCY_BUCKETS, registers: [registry] });
  const scanner = new Counter({ name: "railyard_scanner_blocks_total", help: "Inputs refused or redacted by the scanner, by finding kind.", labelNames: ["kind"], registers: [registry] });
  new Gauge({ name: "railyard_audit_events", help: "Audit events stored.", registers: [registry], async collect() { this.set(await sources.auditEvents()); } });
  if (sources.auditStreams) streamGauges(registry, sources.auditStreams);
  const notifyFailures = new Counter({ name: "railyard_notification_failures_total", help: "Notification deliveries that failed after their last retry (this node), by channel kind.", labelNames: ["kind"], registers: [registry] });
  const notifySource = sources.notificationDeliveries;
  if (notifySource) {
    new Gauge({
      name: "railyard_notification_deliveries", help: "Notification deliveries stored, by status (failed: given up after the last retry).", labelNames: ["status"], registers: [registry],
      async collect() {
        const counts = await notifySource();
        for (const status of ["pending", "delivered", "failed"]) this.set({ status }, counts[status] ?? 0);
      },
    });
  }
  new Gauge({ name: "railyard_database_bytes", help: "Database size in bytes.", registers: [registry], async collect() { this.set(await sources.databaseBytes()); } });
  return {
    request(route, method, status, seconds) {
      requests.inc({ route, method, status: String(status) });
      requestSeconds.observe({ route }, seconds);
    },
    toolCall(tool, outcome, seconds) {
      tools.inc({ tool, outcome });
      toolSeconds.observe({ tool }, seconds);
    },
    scannerBlocked(kind) {
      scanner.inc({ kind });
    },
    notificationFailed(kind) {
      notifyFailures.inc({ kind });
    },
    async render() {
      return { body: await registry.metrics(), contentType: registry.contentType };
    },
  };
}

/** Lag and counts per audit-stream destination, read once per scrape and shared by the four gauges. */
function streamGauges(registry: Registry, read: () => Promise<readonly AuditStreamSample[]>): void {
  let pending: Promise<readonly AuditStreamSample[]> | null = null;
  const samples = () => (pending ??= read().finally(() => setTimeout(() => (pending = null), 0)));
  const gauge = (name: string, help: string, value: (s: AuditStreamSample) => number) =>
    new Gauge({
      name, help, labelNames: ["stream", "kind"], registers: [registry],
      async collect() {
        this.reset();
        for (const s of await samples()) this.set({ stream: s.id, kind: s.kind }, value(s));
      },
    });
  gauge("railyard_audit_stream_lag_events", "Audit events not yet acknowledged by the destination.", (s) => s.lag.events);
  gauge("railyard_audit_stream_lag_seconds", "Age of the oldest audit event the destination has not acknowledged.", (s) => s.lag.seconds);
  gauge("railyard_audit_stream_delivered_events", "Audit events the destination acknowledged since it was added.", (s) => s.delivered);
  gauge("railyard_audit_stream_consecutive_failures", "Failed delivery attempts since the last acknowledged batch (0 while healthy).", (s) => s.failures);
}
