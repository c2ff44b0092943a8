import { Counter, Gauge, Histogram, Registry } from "prom-client";

/** What the edges report; the core never depends on it. */
export interface Metrics {
  request(route: string, method: string, status: number, seconds: number): void;
  toolCall(tool: string, outcome: "ok" | "business_error" | "protocol_error", seconds: number): void;
  scannerBlocked(kind: string): void;
  /** Prometheus text exposition. */
  render(): Promise<{ body: string; contentType: string }>;
}

export interface MetricsSources {
  /** Number of audit events stored. */
  auditEvents(): Promise<number>;
  /** Database size in bytes. */
  databaseBytes(): Promise<number>;
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
    async render() {
      return { body: await registry.metrics(), contentType: registry.contentType };
    },
  };
}
