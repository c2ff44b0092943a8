// The SDK side of /mcp, loaded on the first MCP request (the SDK builds its protocol schemas when
// it loads: tens of milliseconds and ~20 MB that a start and an idle admin UI need not pay).
//
// Fast path: a well-formed 2026-07-28 `tools/call` of a catalogue tool (or `tools/list`) is answered
// here without building an SDK server per request. The SDK's own classifier decides the era and
// validates the envelope; anything it would not dispatch straight to our handler — any other method,
// the 2025 era, a header it would check differently, an unusual param — goes to the SDK unchanged.
// test/mcp/fast-path.test.ts holds the two paths to byte-identical answers.
import {
  classifyInboundRequest, createMcpHandler, isJsonContentType, ProtocolError, ProtocolErrorCode, readRequestBody, Server,
  CLIENT_CAPABILITIES_META_KEY, CLIENT_INFO_META_KEY, PROTOCOL_VERSION_META_KEY, SERVER_INFO_META_KEY, type CallToolResult,
} from "@modelcontextprotocol/server";
import { recordRefusal } from "../core/audit/record-refusal.ts";
import { noteKeyClient } from "../core/key/note-key-client.ts";
import type { Ctx, Services } from "../core/context.ts";
import { AppError } from "../core/errors.ts";
import { normalizeTraceParent } from "../lib/trace-parent.ts";
import { CATALOGUE_SHA256, LISTED_TOOLS, TOOLS_BY_NAME } from "./catalogue.ts";
import { INSTRUCTIONS, internalErrorResponse, SERVER_NAME, type McpEndpointOptions } from "./handler.ts";

/** Serves one authenticated /mcp request. */
export type McpTransport = (request: Request, ctx: Ctx) => Promise<Response>;

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

// The catalogue is a compile-time constant: clients may cache the list for a day (a new server
// version can change it; the hash in _meta and in the instructions says when).
export const CATALOGUE_TTL_MS = 24 * 3_600_000;
const LISTED_RESULT = { tools: LISTED_TOOLS as never, _meta: { "railyard/catalogue-sha256": CATALOGUE_SHA256 }, ttlMs: CATALOGUE_TTL_MS, cacheScope: "private" as const };

/**
 * The request's W3C trace context (`params._meta.traceparent`, as OpenTelemetry-instrumented
 * clients send it) joins the context, so every event the call records carries it; an invalid one
 * is ignored. Such calls take the SDK's road (the fast path answers only the bare envelope).
 */
function withTraceParent(ctx: Ctx, meta: unknown): Ctx {
  const traceParent = normalizeTraceParent(isPlainObject(meta) ? meta.traceparent : undefined);
  return traceParent === null ? ctx : { ...ctx, traceParent };
}

function buildServer(ctx: Ctx, version: string): Server {
  const server = new Server({ name: SERVER_NAME, title: "Railyard", version }, { capabilities: { tools: { listChanged: false } }, instructions: INSTRUCTIONS });
  server.setRequestHandler("tools/list", () => LISTED_RESULT);
  server.setRequestHandler("tools/call", (request, extra) => callTool(withTraceParent(ctx, request.params._meta), request.params.name, request.params.arguments, extra.mcpReq.signal));
  return server;
}

/** The one modern revision the fast path answers (others, if the SDK learns them, go to the SDK). */
const MODERN_REVISION = "2026-07-28";
const ENVELOPE_KEYS: ReadonlySet<string> = new Set([PROTOCOL_VERSION_META_KEY, CLIENT_INFO_META_KEY, CLIENT_CAPABILITIES_META_KEY]);
const CALL_PARAM_KEYS: ReadonlySet<string> = new Set(["name", "arguments", "_meta"]);
const LIST_PARAM_KEYS: ReadonlySet<string> = new Set(["_meta"]);

const isPlainObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === "object" && !Array.isArray(value);
const onlyKeys = (value: Record<string, unknown>, allowed: ReadonlySet<string>): boolean => {
  for (const key in value) if (!allowed.has(key)) return false;
  return true;
};

type FastRequest = { readonly id: string | number; readonly method: "tools/call"; readonly name: string; readonly args: Record<string, unknown> | undefined } | { readonly id: string | number; readonly method: "tools/list" };

/**
 * The request, when the SDK would dispatch it straight to our tools/call or tools/list handler on
 * the 2026-07-28 era with nothing else to do; null sends it to the SDK (which answers every
 * rejection and every other case itself).
 */
function fastRequest(request: Request, body: unknown): FastRequest | null {
  if (!isPlainObject(body) || (body.method !== "tools/call" && body.method !== "tools/list")) return null;
  const versionHeader = request.headers.get("mcp-protocol-version");
  const methodHeader = request.headers.get("mcp-method");
  const nameHeader = request.headers.get("mcp-name");
  // The SDK's standard-header rung: both headers present, Mcp-Name mirroring params.name (a base64
  // sentinel or any other spelling goes to the SDK, which decodes and judges it).
  if (versionHeader !== MODERN_REVISION || methodHeader !== body.method) return null;
  const outcome = classifyInboundRequest({ httpMethod: "POST", protocolVersionHeader: versionHeader, mcpMethodHeader: methodHeader, ...(nameHeader !== null ? { mcpNameHeader: nameHeader } : {}), body });
  if (outcome.kind !== "modern" || outcome.messageKind !== "request" || outcome.classification.revision !== MODERN_REVISION) return null;
  const { id, params } = body as { id: unknown; params: unknown };
  if ((typeof id !== "string" && typeof id !== "number") || !isPlainObject(params)) return null;
  // Only the envelope in _meta: progress tokens, trace context and the like take the SDK's road.
  if (!isPlainObject(params._meta) || !onlyKeys(params._meta, ENVELOPE_KEYS)) return null;
  if (body.method === "tools/list") return onlyKeys(params, LIST_PARAM_KEYS) && nameHeader === null ? { id, method: "tools/list" } : null;
  const { name, arguments: args } = params;
  if (!onlyKeys(params, CALL_PARAM_KEYS) || typeof name !== "string" || !TOOLS_BY_NAME.has(name) || nameHeader !== name) return null;
  if (args !== undefined && !isPlainObject(args)) return null;
  return { id, method: "tools/call", name, args };
}

/** The clientInfo a request carries, if any. */
function announcedClient(body: unknown): unknown {
  if (!isPlainObject(body) || !isPlainObject(body.params)) return null;
  if (body.method === "initialize") return body.params.clientInfo;
  return isPlainObject(body.params._meta) ? body.params._meta[CLIENT_INFO_META_KEY] : null;
}

/** JSON-RPC answers as the SDK's 2026-07-28 encoder writes them (same keys, same order). */
function jsonRpc(payload: unknown, status = 200): Response {
  return new Response(JSON.stringify(payload), { status, headers: { "Content-Type": "application/json" } });
}

/** An error the SDK's entry would answer before any server exists (its jsonRpcErrorResponse). */
function entryError(status: number, code: number, message: string): Response {
  return Response.json({ jsonrpc: "2.0", error: { code, message }, id: null }, { status });
}

/** Builds the SDK handler and the fast path over the app's services. Errors thrown reach handler.ts. */
export function createMcpTransport(services: Services, options: McpEndpointOptions): McpTransport {
  const fastPath = options.fastPath ?? true;
  const serverInfo = { name: SERVER_NAME, title: "Railyard", version: options.version };
  // What the SDK's encoder makes of LISTED_RESULT (resultType, cache fields, serverInfo stamped).
  const listedResult = { ...LISTED_RESULT, _meta: { ...LISTED_RESULT._meta, [SERVER_INFO_META_KEY]: serverInfo }, resultType: "complete" };
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

  const answerFast = async (ctx: Ctx, call: FastRequest, signal: AbortSignal): Promise<Response> => {
    if (call.method === "tools/list") return jsonRpc({ result: listedResult, jsonrpc: "2.0", id: call.id });
    try {
      const result = await callTool(ctx, call.name, call.args, signal);
      return jsonRpc({ result: { ...result, resultType: "complete", _meta: { [SERVER_INFO_META_KEY]: serverInfo } }, jsonrpc: "2.0", id: call.id });
    } catch (error) {
      // callTool turns every failure into a result except protocol errors, which are in-band (200).
      if (error instanceof ProtocolError) return jsonRpc({ jsonrpc: "2.0", id: call.id, error: { code: error.code, message: error.message } });
      services.logger.error({ kind: (error as Error)?.name ?? "error" }, "mcp request failed");
      return jsonRpc({ jsonrpc: "2.0", id: call.id, error: { code: ProtocolErrorCode.InternalError, message: "Internal error" } });
    }
  };

  return async (request, ctx) => {
    const authInfo = { token: "(verified)", clientId: ctx.actor.kind === "agent" ? ctx.actor.keyId : "unknown", scopes: [], extra: { ctx } };
    if (request.method !== "POST") return await handler.fetch(request, { authInfo });
    // The body is read once, here; the SDK gets it parsed (it then reads nothing itself).
    let read: Awaited<ReturnType<typeof readRequestBody>>;
    try {
      // A declared length within bounds (the HTTP layer enforces it) is read natively, much cheaper
      // than the SDK's stream reader, which stays for bodies of unknown length.
      const declared = Number(request.headers.get("content-length") ?? Number.NaN);
      read = declared >= 0 && declared <= options.maxBodyBytes ? { tooLarge: false, text: await request.text() } : await readRequestBody(request, options.maxBodyBytes);
    } catch {
      return entryError(400, -32700, "Parse error: the request body could not be read");
    }
    if (read.tooLarge) return entryError(413, -32000, `Payload Too Large: Request body must not exceed ${options.maxBodyBytes} bytes`);
    // JSON-RPC batches (gone from the protocol since 2025-06-18) would let one request, charged
    // once against the key's rate limit, carry up to the SDK's 100 tool calls: refuse them.
    if (/^\s*\[/.test(read.text)) {
      return Response.json({ jsonrpc: "2.0", id: null, error: { code: -32600, message: "JSON-RPC batches are not supported; send one message per request" } }, { status: 400 });
    }
    let body: unknown;
    try {
      body = read.text.length === 0 ? undefined : JSON.parse(read.text);
    } catch {
      body = undefined;
    }
    // Which client uses the key (shown on the Keys screen): clientInfo in the request's _meta
    // (2026-07-28) or in initialize (2025-11-25). A write only when it changes on this node.
    if (ctx.actor.kind === "agent") await noteKeyClient(services, ctx.actor.keyId, announcedClient(body));
    if (body === undefined) {
      // Empty or not JSON: the SDK answers it from the bytes (a parse error, or 415 first).
      const again = new Request(request.url, { method: "POST", headers: request.headers, body: read.text, signal: request.signal });
      return await handler.fetch(again, { authInfo });
    }
    try {
      if (fastPath && isJsonContentType(request.headers.get("content-type"))) {
        const call = fastRequest(request, body);
        if (call) return await answerFast(ctx, call, request.signal);
      }
      return await handler.fetch(request, { authInfo, parsedBody: body });
    } catch (error) {
      // The body is consumed by now: answer with the id it carried.
      services.logger.error({ kind: (error as Error)?.name ?? "error" }, "mcp request failed");
      const id = isPlainObject(body) && (typeof body.id === "string" || typeof body.id === "number") ? body.id : null;
      return internalErrorResponse(request, id);
    }
  };
}
