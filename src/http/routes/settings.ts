import { Elysia } from "elysia";
import { getSettings } from "../../core/setting/get-settings.ts";
import { updateSettings } from "../../core/setting/update-settings.ts";
import { authenticate, bodyFields } from "../auth.ts";
import type { RouteDeps } from "./index.ts";

/** Owner settings: every signed-in person may read them (they explain timeouts and policy); only the owner writes. */
export function settingsRoutes(deps: RouteDeps) {
  return new Elysia()
    .get("/api/settings", async ({ request, set }) => {
      const ctx = await authenticate(deps, request, set);
      return { settings: await getSettings(ctx.store.read) };
    }, { detail: { summary: "The owner settings (scanner policy, retention, session timeouts, login throttling)" } })
    .patch("/api/settings", async ({ request, body, set }) => {
      const ctx = await authenticate(deps, request, set, { write: true });
      return { settings: await updateSettings({ ctx, input: bodyFields(body) }) };
    }, { detail: { summary: "Change owner settings (owner only)" } });
}
