// The client side of `railyard exec`: reports one build result to a Railyard server over MCP with
// the v2 SDK client (kept in src/mcp, the only layer that imports the SDK).
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";

export interface BuildReport {
  readonly run_id: string;
  readonly kind: "build" | "test" | "lint";
  readonly exit_code: number;
  readonly duration_ms: number;
  readonly log_tail?: string;
}

/** Calls the server's report_build tool; resolves with the error text when the server refused it, null on success. */
export async function reportBuildOverMcp(options: { url: string; key: string; report: BuildReport; version: string }): Promise<string | null> {
  const client = new Client({ name: "railyard-exec", version: options.version }, { versionNegotiation: { mode: "auto" } });
  const endpoint = new URL("/mcp", options.url);
  await client.connect(new StreamableHTTPClientTransport(endpoint, { requestInit: { headers: { authorization: `Bearer ${options.key}` } } }));
  try {
    const result = await client.callTool({ name: "report_build", arguments: { ...options.report } });
    if (!result.isError) return null;
    return ((result.content ?? []) as { text?: string }[]).map((c) => c.text ?? "").join(" ").slice(0, 500);
  } finally {
    await client.close();
  }
}
