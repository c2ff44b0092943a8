// Calls one MCP tool through the real /mcp endpoint (2025-11-25 era, stateless, JSON-RPC over POST).
import type { TestApp } from "./app.ts";

export interface ToolResult {
  status: number;
  isError: boolean;
  text: string;
  structured: any;
  /** The JSON-RPC error, when the call failed at the protocol level. */
  rpcError: { code: number; message: string } | null;
}

export async function callTool(app: TestApp, key: string, name: string, args: unknown): Promise<ToolResult> {
  const res = await app.request("/mcp", {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json", accept: "application/json, text/event-stream", "mcp-protocol-version": "2025-11-25" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/call", params: { name, arguments: args } }),
  });
  const body = await res.text();
  const data = body.startsWith("{") ? body : body.split("\n").filter((l) => l.startsWith("data:")).map((l) => l.slice(5).trim()).join("");
  let message: any = null;
  try {
    message = JSON.parse(data);
  } catch {
    // Not JSON-RPC (an HTTP-level refusal such as 401).
  }
  const result = message?.result;
  return {
    status: res.status,
    isError: result?.isError === true,
    text: result?.content?.[0]?.text ?? body,
    structured: result?.structuredContent ?? null,
    rpcError: message?.error ?? null,
  };
}
