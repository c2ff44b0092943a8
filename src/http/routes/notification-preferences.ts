import { Elysia } from "elysia";
import { getPreferences } from "../../core/notify/get-preferences.ts";
import { updatePreferences } from "../../core/notify/update-preferences.ts";
import { authenticate, bodyFields } from "../auth.ts";
import type { RouteDeps } from "./index.ts";

/** The signed-in person's notification preferences: which events, on their email or an ntfy topic. */
export function notificationPreferencesRoutes(deps: RouteDeps) {
  return new Elysia()
    .get("/api/notification-preferences", async ({ request, set }) => {
      const ctx = await authenticate(deps, request, set);
      return { preferences: await getPreferences({ ctx }) };
    }, { detail: { summary: "What notifications reach you, and where" } })
    .put("/api/notification-preferences", async ({ request, body, set }) => {
      const ctx = await authenticate(deps, request, set, { write: true });
      return { preferences: await updatePreferences({ ctx, input: bodyFields(body) }) };
    }, { detail: { summary: "Choose {events?, email?, ntfyTopic?} for yourself" } });
}
