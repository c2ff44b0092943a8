import { Elysia } from "elysia";
import { withActor } from "../../core/context.ts";
import { checkPasswordReset, completePasswordReset } from "../../core/user/password-reset.ts";
import { bodyFields, sameOriginCheck } from "../auth.ts";
import { clientAddress } from "../request-info.ts";
import type { RouteDeps } from "./index.ts";

/**
 * The public side of a one-time reset link. The token travels in request bodies only (the web app
 * reads it from the URL fragment), never in a URL that proxies or access logs would keep.
 */
export function passwordResetRoutes(deps: RouteDeps) {
  const systemCtx = (request: Request) => withActor(deps.services, { kind: "system", clientAddress: clientAddress(request) });
  return new Elysia()
    .post("/api/password-reset/check", async ({ request, body, set }) => {
      await sameOriginCheck(deps, request);
      set.headers["cache-control"] = "no-store";
      return await checkPasswordReset({ ctx: systemCtx(request), input: bodyFields(body) });
    }, { detail: { summary: "Whom a reset link {token} is for, while it is unused and unexpired" } })
    .post("/api/password-reset", async ({ request, body, set }) => {
      await sameOriginCheck(deps, request);
      set.headers["cache-control"] = "no-store";
      return await completePasswordReset({ ctx: systemCtx(request), input: bodyFields(body) });
    }, { detail: { summary: "Set a new password with a one-time reset link {token, password}; revokes every session of that person" } });
}
