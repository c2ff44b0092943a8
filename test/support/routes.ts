// The /api route inventory, read from the app's own routers, and the role expectations of each
// route. Route tests (CSRF, role matrix, OpenAPI) cover every registered route automatically;
// add your route to ROUTE_EXPECTATIONS so the role matrix checks who may call it.
import { apiRouters } from "../../src/http/routes/index.ts";
import type { Role } from "../../src/core/roles.ts";
import type { TestApp } from "./app.ts";

export interface RegisteredRoute {
  readonly method: string;
  readonly path: string;
}

/** Every /api route the app registers (method upper case, path with :params). */
export function registeredApiRoutes(app: TestApp): RegisteredRoute[] {
  const seen = new Set<string>();
  const out: RegisteredRoute[] = [];
  for (const router of apiRouters({ services: app.services, config: app.config })) {
    for (const route of router.routes) {
      const method = route.method.toUpperCase();
      if (!route.path.startsWith("/api/") || method === "HEAD" || seen.has(`${method} ${route.path}`)) continue;
      seen.add(`${method} ${route.path}`);
      out.push({ method, path: route.path });
    }
  }
  return out;
}

export const STATE_CHANGING = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/** Routes anyone may call without a session. */
export const PUBLIC_ROUTES = new Set(["GET /api/setup", "POST /api/setup", "POST /api/auth/login", "POST /api/auth/logout", "GET /api/openapi.json", "POST /api/password-reset/check", "POST /api/password-reset", "GET /api/auth/sso", "GET /api/auth/oidc/start", "GET /api/auth/oidc/callback", "POST /api/auth/ldap"]);

/** Ids and names the role matrix fixture provides for path parameters and bodies. */
export interface MatrixFixture {
  ownerEmail: string;
  targetUserId: string;
  targetKeyId: string;
  /** A run on the canary project whose agent planned and modified the canary path. */
  runId: string;
  /** Unique per call, for bodies that create things. */
  unique: string;
}

export interface RouteExpectation {
  /** Who may call it: roles, or "public" (anyone, even without a session). */
  allow: readonly Role[] | "public";
  /** Concrete path (defaults to the pattern with generic values). */
  path?: (f: MatrixFixture) => string;
  body?: (f: MatrixFixture) => unknown;
  /** Status for allowed callers when it is not 2xx. */
  status?: number;
  /** Status for refused callers when it is not 403 (e.g. 404 for things one may not see). */
  denied?: number;
  /** Destructive: run after every other route. */
  last?: boolean;
}

const ALL: readonly Role[] = ["owner", "admin", "lead", "developer", "auditor"];
const MANAGERS: readonly Role[] = ["owner", "admin"];

export const ROUTE_EXPECTATIONS: Readonly<Record<string, RouteExpectation>> = {
  "GET /api/setup": { allow: "public" },
  "POST /api/setup": { allow: "public", status: 409, body: () => ({ token: "t", email: "late@example.test", name: "Late", password: "a-late-setup-passphrase" }) },
  "POST /api/auth/login": { allow: "public", body: (f) => ({ email: f.ownerEmail, password: "Synthetic-test-passphrase-42" }) },
  "POST /api/auth/logout": { allow: "public", last: true },
  "GET /api/auth/me": { allow: ALL },
  // A wrong current password: every signed-in person reaches the check (400), nobody else (401).
  "POST /api/auth/password": { allow: ALL, status: 400, body: () => ({ currentPassword: "not-the-current-passphrase", newPassword: "a-new-matrix-passphrase" }) },
  "POST /api/password-reset/check": { allow: "public", status: 401, body: () => ({ token: "an-unknown-reset-token" }) },
  "POST /api/password-reset": { allow: "public", status: 401, body: () => ({ token: "an-unknown-reset-token", password: "a-new-matrix-passphrase" }) },
  "GET /api/openapi.json": { allow: "public" },
  // Single sign-on (not configured in the matrix app: the OIDC routes send the browser back to the login page, LDAP answers 404).
  "GET /api/auth/sso": { allow: "public" },
  "GET /api/auth/oidc/start": { allow: "public", status: 303 },
  "GET /api/auth/oidc/callback": { allow: "public", status: 303 },
  "POST /api/auth/ldap": { allow: "public", status: 404, body: () => ({ username: "matrix", password: "a-directory-password" }) },
  "GET /api/settings/identity": { allow: ["owner"] },
  "PATCH /api/settings/identity": { allow: ["owner"], body: () => ({ oidc: { label: "Matrix SSO" } }) },
  "GET /api/users": { allow: MANAGERS },
  "POST /api/users": { allow: MANAGERS, body: (f) => ({ email: `invite-${f.unique}@example.test`, name: "Invited", role: "developer" }) },
  "POST /api/users/:id/password-reset": { allow: MANAGERS, path: (f) => `/api/users/${f.targetUserId}/password-reset` },
  "GET /api/users/:id": { allow: MANAGERS, path: (f) => `/api/users/${f.targetUserId}` },
  "PATCH /api/users/:id": { allow: MANAGERS, path: (f) => `/api/users/${f.targetUserId}`, body: () => ({ name: "Renamed" }) },
  "POST /api/users/:id/erase": { allow: MANAGERS, path: (f) => `/api/users/${f.targetUserId}/erase`, last: true },
  "GET /api/keys": { allow: ALL },
  "POST /api/keys": { allow: ["owner", "admin", "lead", "developer"], body: () => ({ name: "matrix key" }) },
  "DELETE /api/keys/:id": { allow: MANAGERS, path: (f) => `/api/keys/${f.targetKeyId}`, denied: 404, last: true },
  "GET /api/projects": { allow: ALL },
  "POST /api/projects": { allow: MANAGERS, body: (f) => ({ slug: `p-${f.unique}`, name: "Matrix" }) },
  "GET /api/projects/:slug": { allow: ALL, path: () => "/api/projects/shop" },
  "PATCH /api/projects/:slug": { allow: MANAGERS, path: () => "/api/projects/shop", body: () => ({ name: "Shop renamed" }) },
  "DELETE /api/projects/:slug": { allow: MANAGERS, path: () => "/api/projects/scratch", last: true },
  "GET /api/projects/:slug/modules": { allow: ALL, path: () => "/api/projects/shop/modules" },
  "POST /api/projects/:slug/modules": { allow: MANAGERS, path: () => "/api/projects/shop/modules", body: (f) => ({ name: `m-${f.unique}`, globs: ["lib/**"] }) },
  "PATCH /api/projects/:slug/modules/:name": { allow: MANAGERS, path: () => "/api/projects/shop/modules/api", body: () => ({ globs: ["src/api/**", "src/api2/**"] }) },
  "DELETE /api/projects/:slug/modules/:name": { allow: MANAGERS, path: () => "/api/projects/shop/modules/docs", last: true },
  "GET /api/projects/:slug/access": { allow: MANAGERS, path: () => "/api/projects/shop/access" },
  "PUT /api/projects/:slug/modules/:name/access": { allow: MANAGERS, path: () => "/api/projects/shop/modules/api/access", body: () => ({ access: { lead: "read_only" } }) },
  "GET /api/projects/:slug/scope": { allow: ALL, path: () => "/api/projects/shop/scope" },
  "GET /api/projects/:slug/claims": { allow: ALL, path: () => "/api/projects/shop/claims" },
  "GET /api/projects/:slug/budget": { allow: ALL, path: () => "/api/projects/shop/budget" },
  "PUT /api/projects/:slug/budget": { allow: MANAGERS, path: () => "/api/projects/shop/budget", body: () => ({ monthlyTokens: 1_000_000, runTokens: null }) },
  "GET /api/runbook-proposals": { allow: ["owner", "admin", "lead"] },
  "POST /api/runbook-proposals/:id/approve": { allow: ["owner", "admin", "lead"], path: () => "/api/runbook-proposals/rbp_nothere/approve", status: 404 },
  "POST /api/runbook-proposals/:id/dismiss": { allow: ["owner", "admin", "lead"], path: () => "/api/runbook-proposals/rbp_nothere/dismiss", status: 404 },
  "GET /api/settings": { allow: ALL },
  "PATCH /api/settings": { allow: ["owner"], body: () => ({ retentionDays: 30 }) },
  "GET /api/audit": { allow: ALL },
  "GET /api/audit-streams": { allow: ["owner", "admin", "auditor"] },
  // Disabled, so no delivery is attempted to the discard port.
  "POST /api/audit-streams": { allow: ["owner"], status: 201, body: (f) => ({ name: `matrix ${f.unique}`, url: "tcp://127.0.0.1:9", enabled: false }) },
  "PATCH /api/audit-streams/:id": { allow: ["owner"], status: 404, path: () => "/api/audit-streams/ast_00000000000000000000", body: () => ({ enabled: false }) },
  "DELETE /api/audit-streams/:id": { allow: ["owner"], status: 404, path: () => "/api/audit-streams/ast_00000000000000000000" },
  "GET /api/audit/verify": { allow: ALL },
  "GET /api/audit/filters": { allow: ALL },
  "GET /api/audit/export": { allow: ["owner", "auditor"] },
  "POST /api/audit/purge": { allow: ["owner"], last: true },
  // Other resources, checked for their role gates (with ids that do not exist where seeding a run
  // would need more set-up: allowed callers then get the verb's own 400/404, refused ones 403).
  "GET /api/runs": { allow: ALL },
  "GET /api/dashboard": { allow: ALL },
  "GET /api/runs/:id": { allow: ALL, path: (f) => `/api/runs/${f.runId}` },
  // The fixture run is active (not blocked): allowed callers reach the state check (409).
  "POST /api/runs/:id/unblock": { allow: ["owner", "admin", "lead"], status: 409, path: (f) => `/api/runs/${f.runId}/unblock` },
  // The fixture run belongs to the owner: the owner (its owner) and leads and above may cancel it.
  "POST /api/runs/:id/cancel": { allow: ["owner", "admin", "lead"], path: (f) => `/api/runs/${f.runId}/cancel`, body: () => ({ reason: "matrix" }), last: true },
  "GET /api/checkpoints": { allow: ALL },
  "POST /api/checkpoints/:id/approve": { allow: ["owner", "admin", "lead"], status: 400 },
  "POST /api/checkpoints/:id/reject": { allow: ["owner", "admin", "lead"], status: 400 },
  "GET /api/runbooks": { allow: ALL },
  "GET /api/runbooks/:id": { allow: ALL, status: 404 },
  "POST /api/runbooks/:id/versions": { allow: ["owner", "admin", "lead"], status: 400 },
  "POST /api/runbooks/:id/changes/:changeId/approve": { allow: ["owner", "admin", "lead"], status: 404 },
  "POST /api/runbooks/:id/changes/:changeId/reject": { allow: ["owner", "admin", "lead"], status: 404 },
  "GET /api/projects/:slug/notes": { allow: ALL, path: () => "/api/projects/shop/notes" },
  "POST /api/projects/:slug/notes": { allow: ["owner", "admin", "lead", "developer"], path: () => "/api/projects/shop/notes", body: () => ({ body: "Run the api tests with the fast flag.", paths: ["src/api/x.ts"] }) },
  "POST /api/projects/:slug/notes/:id/approve": { allow: ["owner", "admin", "lead"], status: 404 },
  "PATCH /api/projects/:slug/notes/:id": { allow: ["owner", "admin", "lead"], status: 404, body: () => ({ body: "Edited." }) },
  "DELETE /api/projects/:slug/notes/:id": { allow: ["owner", "admin", "lead"], status: 404 },
  "GET /api/catalogue": { allow: ALL },
  "GET /api/events": { allow: ALL },
  // Notification channels (owner and admin): an id that does not exist, so allowed callers get 404 and refused ones 403.
  "GET /api/channels": { allow: MANAGERS },
  "POST /api/channels": { allow: MANAGERS, status: 201, body: (f) => ({ name: `matrix ${f.unique}`, kind: "webhook", url: "https://hooks.example.test/matrix", secret: "a-matrix-signing-secret-123" }) },
  "PATCH /api/channels/:id": { allow: MANAGERS, status: 404, path: () => "/api/channels/chn_00000000000000000000", body: () => ({ name: "Renamed" }) },
  "DELETE /api/channels/:id": { allow: MANAGERS, status: 404, path: () => "/api/channels/chn_00000000000000000000" },
  "POST /api/channels/:id/test": { allow: MANAGERS, status: 404, path: () => "/api/channels/chn_00000000000000000000/test" },
  "GET /api/channels/:id/deliveries": { allow: MANAGERS, status: 404, path: () => "/api/channels/chn_00000000000000000000/deliveries" },
  "GET /api/notification-preferences": { allow: ALL },
  "PUT /api/notification-preferences": { allow: ALL, body: () => ({ email: false }) },
};

/** A concrete path for a route pattern without an expectation (generic ids and the fixture project). */
export function genericPath(pattern: string): string {
  return pattern
    .replace(":slug", "shop")
    .replace(":name", "api")
    .replace(/:[A-Za-z_]+/g, "x_00000000000000000000");
}
