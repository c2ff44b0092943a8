import type { Config } from "../../config.ts";
import type { Services } from "../../core/context.ts";
import { auditRoutes, userErasureRoutes } from "./audit.ts";
import { auditStreamsRoutes } from "./audit-streams.ts";
import { authRoutes } from "./auth.ts";
import { budgetsRoutes } from "./budgets.ts";
import { catalogueRoutes } from "./catalogue.ts";
import { channelsRoutes } from "./channels.ts";
import { checkpointsRoutes } from "./checkpoints.ts";
import { eventsRoutes } from "./events.ts";
import { keysRoutes } from "./keys.ts";
import { knowledgeRoutes } from "./knowledge.ts";
import { notificationPreferencesRoutes } from "./notification-preferences.ts";
import { openApiRoutes } from "./openapi.ts";
import { passwordResetRoutes } from "./password-reset.ts";
import { projectsRoutes } from "./projects.ts";
import { runbookProposalsRoutes } from "./runbook-proposals.ts";
import { runbooksRoutes } from "./runbooks.ts";
import { runsRoutes } from "./runs.ts";
import { settingsRoutes } from "./settings.ts";
import { setupRoutes } from "./setup.ts";
import { ssoRoutes } from "./sso.ts";
import { usersRoutes } from "./users.ts";

export interface RouteDeps {
  readonly services: Services;
  readonly config: Config;
  /** The MCP tool catalogue document (built in src/mcp, handed over by the composition root). */
  readonly catalogue?: () => { readonly tools: readonly unknown[]; readonly sha256: string };
}

/**
 * Every /api router, one Elysia instance per resource (http/routes/<resource>.ts). Add a line
 * here when adding a resource.
 */
export function apiRouters(deps: RouteDeps) {
  const routers = [
    auditRoutes(deps),
    userErasureRoutes(deps),
    setupRoutes(deps),
    passwordResetRoutes(deps),
    authRoutes(deps),
    ssoRoutes(deps),
    usersRoutes(deps),
    keysRoutes(deps),
    projectsRoutes(deps),
    settingsRoutes(deps),
    auditStreamsRoutes(deps),
    runsRoutes(deps),
    checkpointsRoutes(deps),
    runbooksRoutes(deps),
    knowledgeRoutes(deps),
    catalogueRoutes(deps),
    eventsRoutes(deps),
    channelsRoutes(deps),
    notificationPreferencesRoutes(deps),
    budgetsRoutes(deps),
    runbookProposalsRoutes(deps),
  ];
  // Last: the OpenAPI document is read from the routers above, so no route can be left out of it.
  return [...routers, openApiRoutes(routers)] as const;
}
