import { Elysia } from "elysia";
import type { Server } from "bun";
import type { Config } from "../config.ts";
import { recordRefusal } from "../core/audit/record-refusal.ts";
import { withActor, type Services } from "../core/context.ts";
import { AppError } from "../core/errors.ts";
import { safeEqual, sha256Hex } from "../lib/hash.ts";
import { appErrorResponse, errorResponse } from "./errors.ts";
import { hostOf, withSecurityHeaders } from "./headers.ts";
import { clientAddress, setClientAddress } from "./request-info.ts";
import { healthRoutes } from "./routes/health.ts";
import { spaRoutes, type WebAssets } from "./spa.ts";

export interface HttpDeps {
  readonly services: Services;
  readonly config: Config;
  /** The MCP endpoint (built in src/mcp, wired by the composition root). */
  readonly mcp?: (request: Request, clientAddress: string) => Promise<Response>;
  readonly web: WebAssets;
  /** Resource routers mounted under the app (each an Elysia instance built in http/routes). */
  readonly routers?: readonly Elysia<any, any, any, any, any, any, any>[];
}

export interface HttpApp {
  /** In-process entry point (tests): the same path every real request takes. */
  handle(request: Request): Promise<Response>;
  /** Bun.serve's fetch handler. */
  fetch(request: Request, server: Server<unknown>): Promise<Response>;
  /** Bun.serve's last-resort error handler: a JSON 500 with the security headers, never Bun's error page. */
  error(error: Error): Response;
}

/**
 * The Bun.serve options every listener of this app uses. Production mode, so Bun never answers its
 * development error page (working directory, stack frames, source lines). Bun's own body limit is
 * set out of reach: its 413 is a bare status line without our headers, so the app enforces
 * `maxBodyBytes` itself, for declared and for chunked bodies alike.
 */
export function serveOptions(http: HttpApp): { fetch: HttpApp["fetch"]; error: HttpApp["error"]; development: false; maxRequestBodySize: number } {
  return { fetch: http.fetch, error: http.error, development: false, maxRequestBodySize: Number.MAX_SAFE_INTEGER };
}

/** Builds the HTTP surface: guards that apply to every request, then the routers. */
export function createHttpApp(deps: HttpDeps): HttpApp {
  const { services, config } = deps;
  const tls = config.tlsCert !== null;
  const allowed = new Set(config.allowedHosts);

  // Schema refusals are audit events (input.rejected) with field names only, never values.
  const recordRejectedInput = (request: Request, reason: string, fields: unknown): Promise<void> => {
    const names = Array.isArray(fields) ? fields.slice(0, 20).map((f) => (typeof f === "string" && /^[\w.\-[\]]{1,100}$/.test(f) ? f : "?")) : [];
    return recordRefusal(withActor(services, { kind: "system", clientAddress: clientAddress(request) }), "input.rejected", {
      reason, fields: names, method: request.method, path: (URL.parse(request.url)?.pathname ?? "?").slice(0, 200),
    });
  };

  const app = new Elysia()
    .onError(async ({ error, code, request }) => {
      if (error instanceof AppError) {
        if (error.code === "invalid") await recordRejectedInput(request, "schema", error.details?.fields);
        return appErrorResponse(error);
      }
      if (code === "NOT_FOUND") return errorResponse("not_found", "no such route");
      if (code === "PARSE") {
        await recordRejectedInput(request, "parse", undefined);
        return errorResponse("invalid", "the request body is not valid JSON");
      }
      if (code === "VALIDATION") {
        await recordRejectedInput(request, "shape", undefined);
        return errorResponse("invalid", "the request does not match the expected shape");
      }
      // Never leak internal messages or stacks; log the kind and the route only.
      services.logger.error({ kind: (error as Error)?.name ?? code, route: URL.parse(request.url)?.pathname ?? null }, "internal error");
      return errorResponse("internal", "internal error; the server log has details");
    })
    .use(healthRoutes(services.store));
  // Elysia's builder methods mutate the instance; the loop keeps routers independent of each other.
  for (const router of deps.routers ?? []) app.use(router);
  if (deps.mcp) {
    const mcp = deps.mcp;
    app.all("/mcp", ({ request }) => mcp(request, clientAddress(request)), { parse: "none" });
  }
  if (config.metrics && config.metricsToken !== null) {
    // Hashing first makes the comparison constant-time in the token's length as well.
    const expected = sha256Hex(config.metricsToken);
    app.get("/metrics", async ({ request }) => {
      const presented = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(request.headers.get("authorization") ?? "")?.[1] ?? "";
      if (!safeEqual(sha256Hex(presented), expected)) {
        return errorResponse("unauthenticated", "/metrics needs the bearer token from --metrics-token-file", { "www-authenticate": 'Bearer realm="railyard-metrics"' });
      }
      const { body, contentType } = await services.metrics.render();
      return new Response(body, { headers: { "content-type": contentType } });
    });
  }
  app.use(spaRoutes(deps.web));

  const refuseOrigin = async (request: Request, url: URL, why: string): Promise<Response> => {
    await recordRefusal(withActor(services, { kind: "system", clientAddress: clientAddress(request) }), "origin.rejected", { why, path: url.pathname });
    return errorResponse("forbidden", "this host or origin is not allowed; use the server's configured address (see --public-url)");
  };

  // The connection is closed after a 413 so the rest of an oversized body is never read.
  const tooLarge = (): Response => errorResponse("too_large", `request body over ${config.maxBodyBytes} bytes`, { connection: "close" });

  const guarded = async (request: Request, url: URL): Promise<Response> => {
    const host = hostOf(request.headers.get("host") ?? url.host);
    if (host === null) return errorResponse("invalid", "malformed Host header");
    if (!allowed.has(host)) return refuseOrigin(request, url, "host");
    const origin = request.headers.get("origin");
    if (origin !== null && origin !== "null" && !allowed.has(hostOf(origin, true) ?? "")) return refuseOrigin(request, url, "origin");
    const declared = request.headers.get("content-length");
    if (declared !== null) {
      if (Number(declared) > config.maxBodyBytes) return tooLarge();
    } else if (request.body !== null) {
      // A body of undeclared length (chunked) is read here, up to the limit, and handed on whole.
      const body = await readCapped(request.body, config.maxBodyBytes);
      if (body === null) return tooLarge();
      const whole = new Request(request.url, { method: request.method, headers: request.headers, body, signal: request.signal });
      setClientAddress(whole, clientAddress(request));
      return await app.handle(whole);
    }
    return await app.handle(request);
  };

  // Nothing here waits for durability: every write resolves only after its commit (the Store port).
  // Nothing here throws either: a request whose URL cannot be parsed (Bun leaves request.url
  // relative when the Host header is malformed) is a 400, and any other failure a JSON 500.
  const measured = async (request: Request): Promise<Response> => {
    const started = performance.now();
    const url = URL.parse(request.url);
    let response: Response;
    try {
      response = url === null ? errorResponse("invalid", "malformed Host header or request target") : await guarded(request, url);
    } catch (error) {
      response = internalError(error, url);
    }
    const path = url?.pathname ?? URL.parse(request.url, "http://invalid")?.pathname ?? "/";
    services.metrics.request(routeLabel(path), request.method, response.status, (performance.now() - started) / 1000);
    return withSecurityHeaders(response, tls);
  };

  const internalError = (error: unknown, url: URL | null): Response => {
    // Never leak internal messages or stacks; log the kind and the route only.
    services.logger.error({ kind: (error as Error)?.name ?? "error", route: url ? routeLabel(url.pathname) : null }, "internal error");
    return errorResponse("internal", "internal error; the server log has details");
  };

  return {
    handle: measured,
    fetch: (request, server) => {
      setClientAddress(request, server.requestIP(request)?.address ?? "unknown");
      return measured(request);
    },
    error: (error) => withSecurityHeaders(internalError(error, null), tls),
  };
}

/** The body, read up to `limit` bytes; null (and the stream cancelled) when it is longer. */
async function readCapped(body: ReadableStream<Uint8Array>, limit: number): Promise<Uint8Array<ArrayBuffer> | null> {
  const reader = body.getReader();
  const parts: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      return null;
    }
    parts.push(value);
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.byteLength;
  }
  return out;
}

/** A bounded route label for metrics: the resource, never ids or free text. */
export function routeLabel(pathname: string): string {
  const [first, second] = pathname.split("/").filter(Boolean);
  if (first === "api") return /^[a-z-]{1,32}$/.test(second ?? "") ? `/api/${second}` : "/api/other";
  if (first === undefined) return "/";
  return ["mcp", "healthz", "readyz", "metrics", "assets"].includes(first) ? `/${first}` : "/app";
}
