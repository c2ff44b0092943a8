import { Elysia } from "elysia";
import type { Server } from "bun";
import type { Config } from "../config.ts";
import { recordRefusal } from "../core/audit/record-refusal.ts";
import { withActor, type Services } from "../core/context.ts";
import { AppError } from "../core/errors.ts";
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
      reason, fields: names, method: request.method, path: new URL(request.url).pathname.slice(0, 200),
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
      services.logger.error({ kind: (error as Error)?.name ?? code, route: new URL(request.url).pathname }, "internal error");
      return errorResponse("internal", "internal error; the server log has details");
    })
    .use(healthRoutes(services.store));
  // Elysia's builder methods mutate the instance; the loop keeps routers independent of each other.
  for (const router of deps.routers ?? []) app.use(router);
  if (deps.mcp) {
    const mcp = deps.mcp;
    app.all("/mcp", ({ request }) => mcp(request, clientAddress(request)), { parse: "none" });
  }
  if (config.metrics) {
    app.get("/metrics", async () => {
      const { body, contentType } = await services.metrics.render();
      return new Response(body, { headers: { "content-type": contentType } });
    });
  }
  app.use(spaRoutes(deps.web));

  const refuseOrigin = async (request: Request, why: string): Promise<Response> => {
    await recordRefusal(withActor(services, { kind: "system", clientAddress: clientAddress(request) }), "origin.rejected", { why, path: new URL(request.url).pathname });
    return errorResponse("forbidden", "this host or origin is not allowed; use the server's configured address (see --public-url)");
  };

  const guarded = async (request: Request): Promise<Response> => {
    const host = hostOf(request.headers.get("host") ?? new URL(request.url).host);
    if (host === null || !allowed.has(host)) return refuseOrigin(request, "host");
    const origin = request.headers.get("origin");
    if (origin !== null && origin !== "null" && !allowed.has(hostOf(origin, true) ?? "")) return refuseOrigin(request, "origin");
    const length = Number(request.headers.get("content-length") ?? "0");
    if (length > config.maxBodyBytes) return errorResponse("too_large", `request body over ${config.maxBodyBytes} bytes`);
    return await app.handle(request);
  };

  // Nothing here waits for durability: every write resolves only after its commit (the Store port).
  const measured = async (request: Request): Promise<Response> => {
    const started = performance.now();
    const response = await guarded(request);
    services.metrics.request(routeLabel(new URL(request.url).pathname), request.method, response.status, (performance.now() - started) / 1000);
    return withSecurityHeaders(response, tls);
  };

  return {
    handle: measured,
    fetch: (request, server) => {
      setClientAddress(request, server.requestIP(request)?.address ?? "unknown");
      return measured(request);
    },
  };
}

/** A bounded route label for metrics: the resource, never ids or free text. */
export function routeLabel(pathname: string): string {
  const [first, second] = pathname.split("/").filter(Boolean);
  if (first === "api") return /^[a-z-]{1,32}$/.test(second ?? "") ? `/api/${second}` : "/api/other";
  if (first === undefined) return "/";
  return ["mcp", "healthz", "readyz", "metrics", "assets"].includes(first) ? `/${first}` : "/app";
}
