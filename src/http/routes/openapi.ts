import { Elysia } from "elysia";
import pkg from "../../../package.json" with { type: "json" };
import { ERROR_CODES } from "../../core/errors.ts";
import { HTTP_STATUS } from "../errors.ts";

type AnyRouter = Elysia<any, any, any, any, any, any, any>;

/** One documented route: read from the routers themselves, so a new route cannot be left out. */
export interface RouteEntry {
  readonly method: string;
  readonly path: string;
  readonly summary: string;
}

const OPEN_ROUTES = new Set(["GET /api/openapi.json", "GET /api/setup", "POST /api/setup", "POST /api/auth/login", "POST /api/auth/logout"]);

/** Every /api route of the given routers, with the summary from its `detail` hook. */
export function apiRouteTable(routers: readonly AnyRouter[]): RouteEntry[] {
  const out: RouteEntry[] = [];
  for (const router of routers) {
    for (const route of router.routes) {
      if (!route.path.startsWith("/api/") || route.method === "HEAD") continue;
      const summary = (route.hooks as { detail?: { summary?: string } } | undefined)?.detail?.summary;
      out.push({ method: route.method.toUpperCase(), path: route.path, summary: summary ?? `${route.method.toUpperCase()} ${route.path}` });
    }
  }
  return out.sort((a, b) => a.path.localeCompare(b.path) || a.method.localeCompare(b.method));
}

/** The OpenAPI 3.1 document of the admin API, assembled from the route table. */
export function openApiDocument(routes: readonly RouteEntry[], version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const openPath = route.path.replace(/:([A-Za-z0-9_]+)/g, "{$1}");
    const params = [...route.path.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => ({ name: m[1], in: "path", required: true, schema: { type: "string", maxLength: 128 } }));
    const errorStatuses = [...new Set(Object.values(HTTP_STATUS))].sort();
    const responses: Record<string, unknown> = { "200": { description: "Success (JSON)" } };
    for (const status of errorStatuses) responses[String(status)] = { description: "Error", content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } };
    paths[openPath] ??= {};
    paths[openPath]![route.method.toLowerCase()] = {
      summary: route.summary,
      ...(params.length ? { parameters: params } : {}),
      ...(OPEN_ROUTES.has(`${route.method} ${route.path}`) ? { security: [] } : {}),
      responses,
    };
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "Railyard admin API",
      version,
      description: "The JSON API of the Railyard web app. Sessions are cookies set by POST /api/auth/login; state-changing requests must be same-origin (Sec-Fetch-Site or an allowed Origin header). Timestamps are milliseconds since the epoch.",
    },
    components: {
      securitySchemes: { session: { type: "apiKey", in: "cookie", name: "railyard_session" } },
      schemas: {
        Error: {
          type: "object",
          required: ["error"],
          properties: {
            error: {
              type: "object",
              required: ["code", "message"],
              properties: {
                code: { type: "string", enum: [...ERROR_CODES] },
                message: { type: "string" },
                details: { type: "object", description: "Safe structured details: field names, ids, retryAfterSeconds; never values" },
              },
            },
          },
        },
      },
    },
    security: [{ session: [] }],
    paths,
  };
}

/** GET /api/openapi.json, covering `routers` and itself. */
export function openApiRoutes(routers: readonly AnyRouter[], version: string = pkg.version) {
  const self = new Elysia();
  let document: Record<string, unknown> | null = null;
  self.get("/api/openapi.json", () => {
    // Built on first use: every router is complete by then.
    document ??= openApiDocument(apiRouteTable([...routers, self]), version);
    return document;
  }, { detail: { summary: "This document" } });
  return self;
}
