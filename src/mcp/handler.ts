// The SDK adapter: /mcp over Streamable HTTP for both protocol eras (2026-07-28 stateless and the
// 2025-11-25 initialize handshake) from one fetch handler. Every request is authenticated with a
// plugin key, served by a fresh per-request server (nothing is kept between requests) and answers
// business failures as isError tool results, never leaking internal messages. This file holds the
// authentication; transport.ts, which needs the SDK, is loaded on the first authenticated request.
import { withActor, type Ctx, type Services } from "../core/context.ts";
import { AppError } from "../core/errors.ts";
import { authenticateKey } from "../core/key/authenticate-key.ts";
import { CATALOGUE_SHA256 } from "./catalogue.ts";
import type { McpTransport } from "./transport.ts";

export interface McpEndpointOptions {
  /** The server version shown in serverInfo. */
  readonly version: string;
  /** Largest accepted body (the HTTP layer refuses larger ones first; this bounds the SDK's own read). */
  readonly maxBodyBytes: number;
  /** Answer well-formed 2026-07-28 tools/call and tools/list without the SDK (default); false sends every request through the SDK. */
  readonly fastPath?: boolean;
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

/**
 * An internal failure, answered as JSON-RPC the way the SDK answers its own (HTTP 500, code
 * -32603), so MCP clients see a protocol error rather than the REST API's error body. `id` is the
 * request's when it is known; otherwise the body is read for it if still unread, else null.
 */
export async function internalErrorResponse(request: Request, id?: string | number | null): Promise<Response> {
  let known = id ?? null;
  if (id === undefined && request.method === "POST" && !request.bodyUsed) {
    try {
      const body = JSON.parse(await request.text()) as { id?: unknown } | null;
      if (typeof body?.id === "string" || typeof body?.id === "number") known = body.id;
    } catch {
      // Unreadable or not JSON: the id stays null, as JSON-RPC prescribes.
    }
  }
  return Response.json({ jsonrpc: "2.0", id: known, error: { code: -32603, message: "Internal error; the server log has details" } }, { status: 500 });
}

/** Builds the /mcp endpoint over the app's services. */
export function createMcpEndpoint(services: Services, options: McpEndpointOptions): McpEndpoint {
  let ready: McpTransport | null = null;
  let loading: Promise<McpTransport> | null = null;
  const load = (): Promise<McpTransport> =>
    (loading ??= import("./transport.ts").then(
      (m) => (ready = m.createMcpTransport(services, options)),
      (error: unknown) => {
        loading = null; // retried by the next request rather than remembered
        throw error;
      },
    ));

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
      if (error instanceof AppError && error.code === "unavailable") {
        // The database is away (PostgreSQL restarting): nothing happened; the client retries.
        return httpError(503, "unavailable", error.message, { "retry-after": "1" });
      }
      // Refusals above are HTTP-level (no JSON-RPC exchange happens); a failure here is internal.
      services.logger.error({ kind: (error as Error)?.name ?? "error" }, "mcp authentication failed");
      return internalErrorResponse(request);
    }
    try {
      return await (ready ?? (await load()))(request, ctx);
    } catch (error) {
      services.logger.error({ kind: (error as Error)?.name ?? "error" }, "mcp request failed");
      return internalErrorResponse(request);
    }
  };
}
