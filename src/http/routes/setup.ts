import { Elysia } from "elysia";
import { completeSetup, ownerExists } from "../../core/user/setup.ts";
import { bodyFields, sameOriginCheck } from "../auth.ts";
import { clientAddress } from "../request-info.ts";
import { withActor } from "../../core/context.ts";
import type { RouteDeps } from "./index.ts";

/** First-run setup: the one-time token printed at start creates the owner. */
export function setupRoutes(deps: RouteDeps) {
  return new Elysia()
    .get("/api/setup", async () => ({ needed: !(await ownerExists(deps.services.store.read)) }), { detail: { summary: "Whether first-run setup is still needed" } })
    .post("/api/setup", async ({ request, body, set }) => {
      await sameOriginCheck(deps, request);
      const ctx = withActor(deps.services, { kind: "system", clientAddress: clientAddress(request) });
      const user = await completeSetup({ ctx, input: bodyFields(body) });
      set.status = 201;
      return { user };
    }, { detail: { summary: "Create the owner with the one-time setup token {token, email, name, password}" } });
}
