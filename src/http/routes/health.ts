import { Elysia } from "elysia";
import type { Store } from "../../core/store.ts";

/** Liveness and readiness: `/readyz` answers 200 only when the database responds and is migrated. */
export function healthRoutes(store: Store) {
  return new Elysia()
    .get("/healthz", () => ({ status: "ok" }))
    .get("/readyz", async ({ set }) => {
      const ready = await store.ready();
      set.status = ready ? 200 : 503;
      return { status: ready ? "ready" : "not_ready" };
    });
}
