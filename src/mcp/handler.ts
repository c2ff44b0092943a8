// The SDK adapter: /mcp over Streamable HTTP for both protocol eras (2026-07-28 stateless and the
// 2025-11-25 initialize handshake) from one fetch handler. Every request is authenticated with a
// plugin key, served by a fresh per-request server (nothing is kept between requests) and answers
// business failures as isError tool results, never leaking internal messages.
import { createMcpHandler, ProtocolError, ProtocolErrorCode, Server, type CallToolResult } from "@modelcontextprotocol/server";
import { recordRefusal } from "../core/audit/record-refusal.ts";
import { withActor, type Ctx, type Services } from "../core/context.ts";
import { AppError } from "../core/errors.ts";
import { authenticateKey } from "../core/key/authenticate-key.ts";
import { CATALOGUE_SHA256, LISTED_TOOLS, TOOLS_BY_NAME } from "./catalogue.ts";

export interface McpEndpointOptions {
  /** The server version shown in serverInfo. */
  readonly version: string;
  /** Largest accepted body (the HTTP layer refuses larger ones first; this bounds the SDK's own read). */
  readonly maxBodyBytes: number;
}

export type McpEndpoint = (request: Request, clientAddress: string) => Promise<Response>;

export const SERVER_NAME = "railyard";

/** What initialize / server/discover return as instructions: how to use the tools, and the catalogue hash to pin. */
export const INSTRUCTIONS = `Railyard records workflow metadata only (statuses, repository-relative paths, counts, exit codes): never send file contents, diffs or prompts. Call start_run first; stay inside your editable scope; advance phases in order; a gated phase needs a person's approval (get_checkpoint waits for it). Tool catalogue sha256: ${CATALOGUE_SHA256}`;

function bearerToken(request: Request): string | null {
  const header = request.headers.get("authorization");
  if (!header) return null;
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
  return match ? match[1]! : "";
}

function httpError(status: number, code: string, message: string, headers: Record<string, string> = {}): Response {
  return Response.json({ error: { code, message } }, { status, headers });
}

function textResult(text: string, isError: boolean, structured?: Record<string, unknown>): CallToolResult {
  return { content: [{ type: "text", text }], ...(structured ? { structuredContent: structured } : {}), ...(isError ? { isError: true } : {}) };
}

/** Runs one tool call and translates its outcome: the single error translator of the MCP edge. */
async function callTool(ctx: Ctx, name: string, args: unknown, signal: AbortSignal): Promise<CallToolResult> {
  const tool = TOOLS_BY_NAME.get(name);
  const started = performance.now();
  const seconds = () => (performance.now() - started) / 1000;
  // Unknown tools are protocol errors (JSON-RPC), not tool results; the metric label stays bounded.
  if (!tool) ctx.metrics.toolCall("unknown", "protocol_error", 0);
  if (!tool) throw new ProtocolError(ProtocolErrorCode.InvalidParams, `unknown tool '${name.slice(0, 64)}'; tools/list names the ${LISTED_TOOLS.length} tools`);
  try {
    const result = (await tool.handler({ ctx, args: args ?? {}, signal })) as Record<string, unknown>;
    const attention = tool.attention?.(result as never) ?? null;
    ctx.metrics.toolCall(tool.name, attention ? "business_error" : "ok", seconds());
    return textResult(attention ? `${attention}\n${JSON.stringify(result)}` : JSON.stringify(result), attention !== null, result);
  } catch (error) {
    if (error instanceof AppError && error.code !== "internal") {
      ctx.metrics.toolCall(tool.name, "business_error", seconds());
      if (error.code === "invalid") {
        const fields = Array.isArray(error.details?.fields) ? (error.details.fields as string[]).slice(0, 20).map((f) => String(f).slice(0, 64)) : [];
        await recordRefusal(ctx, "input.rejected", { tool: tool.name, fields });
      }
      return textResult(`${error.code}: ${error.message}`, true);
    }
    ctx.metrics.toolCall(tool.name, "protocol_error", seconds());
    ctx.logger.error({ kind: (error as Error)?.name ?? "error", tool: tool.name }, "tool call failed");
    return textResult("internal: the server could not complete this call; retry later or ask an admin to check the server log", true);
  }
}

function buildServer(ctx: Ctx, version: string): Server {
  const server = new Server({ name: SERVER_NAME, title: "Railyard", version }, { capabilities: { tools: { listChanged: false } }, instructions: INSTRUCTIONS });
  server.setRequestHandler("tools/list", () => ({ tools: LISTED_TOOLS as never, _meta: { "railyard/catalogue-sha256": CATALOGUE_SHA256 } }));
  server.setRequestHandler("tools/call", (request, extra) => callTool(ctx, request.params.name, request.params.arguments, extra.mcpReq.signal));
  return server;
}

/** Builds the /mcp endpoint over the app's services. */
export function createMcpEndpoint(services: Services, options: McpEndpointOptions): McpEndpoint {
  const handler = createMcpHandler(
    ({ authInfo }) => {
      const ctx = (authInfo?.extra as { ctx?: Ctx } | undefined)?.ctx;
      // The endpoint authenticates before the SDK sees the request; a missing ctx is a wiring bug.
      if (!ctx) throw new Error("unauthenticated MCP request reached the server factory");
      return buildServer(ctx, options.version);
    },
    {
      legacy: "stateless",
      maxRequestBodySize: options.maxBodyBytes,
      onerror: (error) => services.logger.warn({ kind: error?.name ?? "error" }, "mcp request refused"),
    },
  );

  return async (request, clientAddress) => {
    let ctx: Ctx;
    try {
      const { actor } = await authenticateKey(services, bearerToken(request), clientAddress);
      ctx = withActor(services, actor);
    } catch (error) {
      if (error instanceof AppError && error.code === "unauthenticated") {
        // A plain Bearer challenge: no resource_metadata, so clients do not start an OAuth flow.
        return httpError(401, "unauthenticated", error.message, { "www-authenticate": 'Bearer realm="railyard"' });
      }
      if (error instanceof AppError && error.code === "rate_limited") {
        const retry = Number(error.details?.retryAfterSeconds ?? 60);
        return httpError(429, "rate_limited", error.message, { "retry-after": String(Math.ceil(retry)) });
      }
      services.logger.error({ kind: (error as Error)?.name ?? "error" }, "mcp authentication failed");
      return httpError(500, "internal", "internal error; the server log has details");
    }
    try {
      // JSON-RPC batches (gone from the protocol since 2025-06-18) would let one request, charged
      // once against the key's rate limit, carry up to the SDK's 100 tool calls: refuse them.
      if (request.method === "POST" && /^\s*\[/.test(await request.clone().text())) {
        return Response.json({ jsonrpc: "2.0", id: null, error: { code: -32600, message: "JSON-RPC batches are not supported; send one message per request" } }, { status: 400 });
      }
      return await handler.fetch(request, { authInfo: { token: "(verified)", clientId: ctx.actor.kind === "agent" ? ctx.actor.keyId : "unknown", scopes: [], extra: { ctx } } });
    } catch (error) {
      services.logger.error({ kind: (error as Error)?.name ?? "error" }, "mcp request failed");
      return httpError(500, "internal", "internal error; the server log has details");
    }
  };
}
