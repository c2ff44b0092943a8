// Erasing a person (GDPR) also removes what single sign-on keeps about them: the links from their
// identity-provider accounts to the Railyard account, and their sessions' SSO records (subject,
// sealed refresh token). The directory here is a stub behind the core's SSO port: the sign-in is
// otherwise the real one (settings, mapping, provisioning, session).
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import type { Ctx } from "../../../src/core/context.ts";
import type { LdapPerson } from "../../../src/core/identity/port.ts";
import { ldapSignIn } from "../../../src/core/identity/sso-sign-in.ts";
import { createTestApp, seedUser, type TestApp } from "../../support/app.ts";
import { api } from "../../support/http.ts";
import { eventsOf } from "../../support/runs.ts";
import { sessionHeaders } from "../../support/session-cookie.ts";

const ADA: LdapPerson = {
  dn: "uid=ada,ou=people,dc=example,dc=test",
  email: "ada@example.test",
  name: "Ada Lovelace",
  groups: ["cn=engineers,ou=groups,dc=example,dc=test", "engineers"],
  attributes: { uid: "ada" },
};

let app: TestApp;
let ownerHeaders: Record<string, string>;
beforeEach(async () => {
  app = await createTestApp({}, { notifier: false, minerWorker: false, streamWorker: false });
  const owner = await seedUser(app, "owner", "owner@example.test");
  ownerHeaders = await sessionHeaders(app, owner.actor);
  const ldap = await api(app, "PATCH", "/api/settings/identity", { headers: ownerHeaders, body: { ldap: { enabled: true, bindPassword: "service-account-secret" } } });
  expect(ldap.status).toBe(200);
});
afterEach(() => app.dispose());

/** A Ctx whose directory answers every bind with `person`. */
function directory(person: LdapPerson): Ctx {
  const ctx = app.ctx();
  return { ...ctx, sso: { ...ctx.sso, clients: { ...ctx.sso.clients, ldapAuthenticate: async () => person } } };
}
const signIn = (person: LdapPerson) => ldapSignIn({ ctx: directory(person), input: { username: "ada", password: "her-directory-password" }, clientAddress: "127.0.0.1" });

describe("erasing a person", () => {
  test("removes their SSO identity links and their sessions' SSO records, and says how many links went", async () => {
    const first = await signIn(ADA);
    expect((await app.store.read.identity.identity("ldap", ADA.dn))?.userId).toBe(first.user.id);
    expect(await app.store.read.identity.ssoSession(first.sessionId)).toBeDefined();

    const erased = await api(app, "POST", `/api/users/${first.user.id}/erase`, { headers: ownerHeaders });
    expect(erased.status).toBe(200);
    expect(erased.json).toMatchObject({ id: first.user.id, sessionsRevoked: 1, ssoIdentitiesRemoved: 1 });
    expect(await app.store.read.identity.identity("ldap", ADA.dn)).toBeUndefined();
    expect(await app.store.read.identity.ssoSession(first.sessionId)).toBeUndefined();
    const [event] = await eventsOf(app, { type: "user.erased" });
    expect(JSON.parse(event!.meta)).toMatchObject({ sessionsRevoked: 1, ssoIdentitiesRemoved: 1 });
    expect(event!.meta).not.toContain(ADA.dn);
  });

  test("the same directory account signing in again is not led back to the erased account", async () => {
    const first = await signIn(ADA);
    expect((await api(app, "POST", `/api/users/${first.user.id}/erase`, { headers: ownerHeaders })).status).toBe(200);
    // Nothing links the account to the erased person any more: the sign-in provisions a new one
    // (the mapping rules still decide whether it may), never the erased profile.
    const again = await signIn(ADA);
    expect(again.user.id).not.toBe(first.user.id);
    expect(again.user.email).toBe(ADA.email!);
    expect((await app.store.read.identity.identity("ldap", ADA.dn))?.userId).toBe(again.user.id);
    const erased = await app.store.read.users.byId(first.user.id);
    expect(erased).toMatchObject({ email: `erased-${first.user.id}@invalid`, name: "Erased user", disabled: true });
  });

  test("a person who never used SSO is erased as before, with no links to remove", async () => {
    const dev = await seedUser(app, "developer");
    const erased = await api(app, "POST", `/api/users/${dev.user.id}/erase`, { headers: ownerHeaders });
    expect(erased.status).toBe(200);
    expect(erased.json).toMatchObject({ id: dev.user.id, ssoIdentitiesRemoved: 0 });
  });
});
