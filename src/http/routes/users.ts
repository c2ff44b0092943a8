import { Elysia } from "elysia";
import { inviteUser } from "../../core/user/create-user.ts";
import { issuePasswordReset, passwordResetLink } from "../../core/user/password-reset.ts";
import { getUser } from "../../core/user/get-user.ts";
import { listUsers } from "../../core/user/list-users.ts";
import { updateUser } from "../../core/user/update-user.ts";
import { authenticate, bodyFields } from "../auth.ts";
import type { RouteDeps } from "./index.ts";

/** People and roles (users.manage roles). */
export function usersRoutes(deps: RouteDeps) {
  // The address people use: the configured public URL, else the (allow-listed) one this request came to.
  const baseUrl = (request: Request) => deps.config.publicUrl ?? new URL(request.url).origin;
  return new Elysia()
    .get("/api/users", async ({ request, set }) => {
      const ctx = await authenticate(deps, request, set);
      return { users: await listUsers({ ctx }) };
    }, { detail: { summary: "Everyone (owner and admin)" } })
    .post("/api/users", async ({ request, body, set }) => {
      const ctx = await authenticate(deps, request, set, { write: true });
      const { user, reset } = await inviteUser({ ctx, input: bodyFields(body) });
      set.status = 201;
      set.headers["cache-control"] = "no-store";
      return { user, resetLink: passwordResetLink(baseUrl(request), reset.token), expiresAt: reset.expiresAt };
    }, { detail: { summary: "Invite a person {email, name?, role} (never above one's own role); returns the one-time link with which they set their password" } })
    .get("/api/users/:id", async ({ request, set, params }) => {
      const ctx = await authenticate(deps, request, set);
      return { user: await getUser({ ctx, input: { id: params.id } }) };
    }, { detail: { summary: "One person (oneself, or anyone for owner and admin)" } })
    .patch("/api/users/:id", async ({ request, body, set, params }) => {
      const ctx = await authenticate(deps, request, set, { write: true });
      return { user: await updateUser({ ctx, input: { ...bodyFields(body), id: params.id } }) };
    }, { detail: { summary: "Change a person's {name?, role?, disabled?}; role changes and disabling revoke their sessions" } })
    .post("/api/users/:id/password-reset", async ({ request, set, params }) => {
      const ctx = await authenticate(deps, request, set, { write: true });
      const reset = await issuePasswordReset({ ctx, input: { id: params.id } });
      set.status = 201;
      set.headers["cache-control"] = "no-store";
      return { resetLink: passwordResetLink(baseUrl(request), reset.token), expiresAt: reset.expiresAt };
    }, { detail: { summary: "Issue a one-time password reset link for a person (valid one hour, ends earlier links; never for oneself or someone ranked above)" } });
}
