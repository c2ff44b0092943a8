// Signs a person in without the login route (fast, no bcrypt): a real session row and token.
import { sessionCookieName } from "../../src/http/auth.ts";
import { insertSession, signSessionToken } from "../../src/core/user/session.ts";
import type { Actor } from "../../src/core/context.ts";
import { newId } from "../../src/lib/ids.ts";
import type { Role } from "../../src/core/roles.ts";
import { seedUser, type TestApp } from "./app.ts";

/** Headers of a same-origin browser request carrying `actor`'s session cookie. */
export async function sessionHeaders(app: TestApp, actor: Actor): Promise<Record<string, string>> {
  if (actor.kind !== "human") throw new Error("sessions belong to people");
  const sessionId = newId("ses");
  const { absoluteExpiresAt } = await app.store.write((tx) => insertSession(tx, app.services, actor.userId, sessionId, null));
  const { token } = await signSessionToken(app.services, { sessionId, userId: actor.userId, role: actor.role, lastSeenAt: app.clock.now(), absoluteExpiresAt });
  return { cookie: `${sessionCookieName(app.config)}=${token}`, origin: "http://127.0.0.1:7433", "sec-fetch-site": "same-origin" };
}

/** Seeds a person of `role` and returns them with the headers of their signed-in browser. */
export async function signedInAs(app: TestApp, role: Role) {
  const seeded = await seedUser(app, role);
  return { ...seeded, headers: await sessionHeaders(app, seeded.actor) };
}
