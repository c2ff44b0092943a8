import { Elysia } from "elysia";
import { AppError } from "../../core/errors.ts";
import { authenticate } from "../auth.ts";
import type { RouteDeps } from "./index.ts";

/** `GET /api/catalogue`: the frozen MCP tool catalogue and its SHA-256, for any signed-in role. */
export function catalogueRoutes(deps: RouteDeps) {
  return new Elysia()
    .get("/api/catalogue", async ({ request, set }) => {
      await authenticate(deps, request, set);
      // Built in src/mcp and handed over by the composition root (http never imports mcp).
      if (!deps.catalogue) throw new AppError("not_found", "this server has no MCP endpoint");
      return deps.catalogue();
    }, { detail: { summary: "The MCP tool catalogue {tools, sha256}; pin the hash in clients" } });
}
