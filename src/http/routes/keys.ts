import { Elysia } from "elysia";
import { createKey } from "../../core/key/create-key.ts";
import { listKeys } from "../../core/key/list-keys.ts";
import { revokeKey } from "../../core/key/revoke-key.ts";
import { authenticate, bodyFields } from "../auth.ts";
import type { RouteDeps } from "./index.ts";

/** Plugin keys: created for oneself (shown once), listed without hashes, revoked. */
export function keysRoutes(deps: RouteDeps) {
  return new Elysia()
    .get("/api/keys", async ({ request, set }) => {
      const ctx = await authenticate(deps, request, set);
      const all = new URL(request.url).searchParams.get("all");
      return { keys: await listKeys({ ctx, input: { all: all === "1" || all === "true" } }) };
    }, { detail: { summary: "One's own plugin keys (?all=1: everyone's, owner and admin)" } })
    .post("/api/keys", async ({ request, body, set }) => {
      const ctx = await authenticate(deps, request, set, { write: true });
      const created = await createKey({ ctx, input: bodyFields(body) });
      set.status = 201;
      // The plaintext key is in this body: no cache may keep it.
      set.headers["cache-control"] = "no-store";
      return created;
    }, { detail: { summary: "Create a plugin key {name, expiresDays?}; the plaintext is returned this once" } })
    .delete("/api/keys/:id", async ({ request, set, params }) => {
      const ctx = await authenticate(deps, request, set, { write: true });
      return { key: await revokeKey({ ctx, input: { id: params.id } }) };
    }, { detail: { summary: "Revoke a plugin key (one's own, or anyone's for owner and admin)" } });
}
