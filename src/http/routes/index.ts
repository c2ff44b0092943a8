import type { Config } from "../../config.ts";
import type { Services } from "../../core/context.ts";
import { auditRoutes, userErasureRoutes } from "./audit.ts";

export interface RouteDeps {
  readonly services: Services;
  readonly config: Config;
}

/**
 * Every /api router, one Elysia instance per resource (http/routes/<resource>.ts). Add a line
 * here when adding a resource.
 */
export function apiRouters(deps: RouteDeps) {
  return [
    auditRoutes(deps),
    userErasureRoutes(deps),
  ] as const;
}
