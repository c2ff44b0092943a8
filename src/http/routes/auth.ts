import { Elysia } from "elysia";
import { withActor } from "../../core/context.ts";
import { AppError } from "../../core/errors.ts";
import { CAPABILITIES, can, ROLES, atLeast } from "../../core/roles.ts";
import { login } from "../../core/user/login.ts";
import { logout } from "../../core/user/logout.ts";
import { changePassword } from "../../core/user/change-password.ts";
import { getUser } from "../../core/user/get-user.ts";
import { authenticate, bodyFields, clearedSessionCookie, sameOriginCheck, sessionCookie } from "../auth.ts";
import { clientAddress } from "../request-info.ts";
import type { RouteDeps } from "./index.ts";

const LOOPBACK = new Set(["127.0.0.1", "localhost", "::1", "[::1]"]);

/** Sign in, sign out, and who am I. */
export function authRoutes(deps: RouteDeps) {
  // Plain HTTP on an address other machines can reach: passwords and cookies cross the network in clear.
  const insecureTransport = deps.config.tlsCert === null && !LOOPBACK.has(deps.config.host);
  return new Elysia()
    .post("/api/auth/login", async ({ request, body, set }) => {
      await sameOriginCheck(deps, request);
      const address = clientAddress(request);
      const result = await login({ ctx: withActor(deps.services, { kind: "system", clientAddress: address }), input: bodyFields(body), clientAddress: address });
      set.headers["set-cookie"] = sessionCookie(deps.config, result.session, deps.services.clock.now());
      set.headers["cache-control"] = "no-store";
      return { user: result.user };
    }, { detail: { summary: "Sign in with {email, password}; sets the session cookie" } })
    .post("/api/auth/logout", async ({ request, set }) => {
      await sameOriginCheck(deps, request);
      set.headers["set-cookie"] = clearedSessionCookie(deps.config);
      try {
        const ctx = await authenticate(deps, request, set);
        set.headers["set-cookie"] = clearedSessionCookie(deps.config);
        await logout({ ctx, sessionId: ctx.sessionId });
      } catch (error) {
        // Signing out without a live session is already done.
        if (!(error instanceof AppError && error.code === "unauthenticated")) throw error;
      }
      return { ok: true };
    }, { detail: { summary: "Sign out: revokes the session and clears the cookie" } })
    .post("/api/auth/password", async ({ request, body, set }) => {
      const ctx = await authenticate(deps, request, set, { write: true });
      return await changePassword({ ctx, sessionId: ctx.sessionId, input: bodyFields(body) });
    }, { detail: { summary: "Change one's own password {currentPassword, newPassword}; revokes one's other sessions" } })
    .get("/api/auth/me", async ({ request, set }) => {
      const ctx = await authenticate(deps, request, set);
      const user = await getUser({ ctx, input: { id: ctx.actor.kind === "human" ? ctx.actor.userId : "" } });
      set.headers["cache-control"] = "no-store";
      return {
        user,
        capabilities: CAPABILITIES.filter((c) => can(user.role, c)),
        // The roles this person may give others (never above their own), so the app need not know the ranks.
        grantableRoles: ROLES.filter((r) => atLeast(user.role, r)),
        insecureTransport,
      };
    }, { detail: { summary: "The signed-in person, their capabilities, and whether the transport is insecure" } });
}
