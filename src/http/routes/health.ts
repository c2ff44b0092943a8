import { Elysia } from "elysia";
import type { Store } from "../../db/store.ts";

/** Liveness and readiness: `/readyz` answers 200 only when the database responds and is migrated. */
export function healthRoutes(store: Store) {
  return new Elysia()
    .get("/healthz", () => ({ status: "ok" }))
    .get("/readyz", ({ set }) => {
      const ready = store.ready();
      set.status = ready ? 200 : 503;
      return { status: ready ? "ready" : "not_ready" };
    });
}
