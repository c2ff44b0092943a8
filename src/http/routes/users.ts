import { Elysia } from "elysia";
import { createUser } from "../../core/user/create-user.ts";
import { getUser } from "../../core/user/get-user.ts";
import { listUsers } from "../../core/user/list-users.ts";
import { updateUser } from "../../core/user/update-user.ts";
import { authenticate, bodyFields } from "../auth.ts";
import type { RouteDeps } from "./index.ts";

/** People and roles (users.manage roles). */
export function usersRoutes(deps: RouteDeps) {
  return new Elysia()
    .get("/api/users", async ({ request, set }) => {
      const ctx = await authenticate(deps, request, set);
      return { users: await listUsers({ ctx }) };
    }, { detail: { summary: "Everyone (owner and admin)" } })
    .post("/api/users", async ({ request, body, set }) => {
      const ctx = await authenticate(deps, request, set, { write: true });
      const user = await createUser({ ctx, input: bodyFields(body) });
      set.status = 201;
      return { user };
    }, { detail: { summary: "Invite a person {email, name, role, password} (never above one's own role)" } })
    .get("/api/users/:id", async ({ request, set, params }) => {
      const ctx = await authenticate(deps, request, set);
      return { user: await getUser({ ctx, input: { id: params.id } }) };
    }, { detail: { summary: "One person (oneself, or anyone for owner and admin)" } })
    .patch("/api/users/:id", async ({ request, body, set, params }) => {
      const ctx = await authenticate(deps, request, set, { write: true });
      return { user: await updateUser({ ctx, input: { ...bodyFields(body), id: params.id } }) };
    }, { detail: { summary: "Change a person's {name?, role?, disabled?}; role changes and disabling revoke their sessions" } });
}
