// Disabling a person at the identity provider takes effect at their next session renewal: a
// session that came from SSO is re-checked with the provider whenever it is renewed (at most once
// a minute): OIDC with a refresh grant (or, when the provider issued no refresh token, until the
// ID token's expiry), LDAP by reading the entry with the service account. A "no" from the
// provider, or no answer at all, ends the session: Railyard never keeps a person signed in on the
// strength of a check it could not make. Their role follows the mapping rules at each re-check.
import { withActor, type Services } from "../context.ts";
import { AppError } from "../errors.ts";
import type { Role } from "../roles.ts";
import { getSettings } from "../setting/get-settings.ts";
import { transact } from "../transact.ts";
import { effectiveLdap, effectiveOidc } from "./identity-settings.ts";
import { mapRole } from "./map-role.ts";
import { SsoFailure, type SsoFailureReason } from "./port.ts";
import type { SsoSessionRow } from "./queries.ts";
import type { VerifiedIdentity } from "./schemas.ts";
import { seal, unseal } from "./seal.ts";
import { ldapClaims, SEAL_REFRESH, syncProfile } from "./sso-sign-in.ts";

/** A session is re-checked at most this often, however many of its requests renew it. */
export const RECHECK_MIN_INTERVAL_MS = 30_000;

type Outcome = { ok: true; identity: VerifiedIdentity | null; sealedRefreshToken: string | null } | { ok: false; reason: SsoFailureReason | "no_refresh_token" };

async function askProvider(services: Services, link: SsoSessionRow, now: number): Promise<Outcome> {
  try {
    if (link.provider === "oidc") {
      const oidc = await effectiveOidc(services, services.store.read, null);
      if (!oidc) return { ok: false, reason: "not_configured" };
      if (link.sealedRefreshToken === null) {
        return link.vouchedUntil !== null && link.vouchedUntil > now ? { ok: true, identity: null, sealedRefreshToken: null } : { ok: false, reason: "no_refresh_token" };
      }
      const refreshToken = await unseal(services.sessionKey, SEAL_REFRESH, link.sealedRefreshToken);
      if (refreshToken === null) return { ok: false, reason: "misconfigured" };
      const tokens = await services.sso.clients.oidcRefresh(oidc.endpoint, refreshToken);
      const c = tokens.claims;
      const identity: VerifiedIdentity | null = Object.keys(c).length === 0 ? null : {
        provider: "oidc", subject: link.subject,
        email: typeof c.email === "string" ? c.email.trim().toLowerCase() : null, emailVerified: c.email_verified === true,
        name: typeof c.name === "string" ? c.name : null,
        claims: { ...c, groups: Array.isArray(c[oidc.groupsClaim]) ? c[oidc.groupsClaim] : c[oidc.groupsClaim] === undefined ? [] : [c[oidc.groupsClaim]] },
      };
      const sealed = tokens.refreshToken === refreshToken ? link.sealedRefreshToken : await seal(services.sessionKey, SEAL_REFRESH, tokens.refreshToken!);
      return { ok: true, identity, sealedRefreshToken: sealed };
    }
    const endpoint = await effectiveLdap(services, services.store.read);
    if (!endpoint) return { ok: false, reason: "not_configured" };
    const person = await services.sso.clients.ldapLookup(endpoint, link.subject);
    if (!person) return { ok: false, reason: "account_gone" };
    return { ok: true, identity: { provider: "ldap", subject: link.subject, email: person.email, emailVerified: true, name: person.name, claims: ldapClaims(person) }, sealedRefreshToken: null };
  } catch (error) {
    if (error instanceof SsoFailure) return { ok: false, reason: error.reason };
    throw error;
  }
}

/**
 * Re-checks an SSO session being renewed (a local session passes unchanged). Returns the role the
 * renewed token carries; throws `unauthenticated` after ending the session when the provider no
 * longer vouches for the person or maps them to no role.
 */
export async function recheckSsoSession(services: Services, session: { sessionId: string; userId: string; role: Role; now: number }): Promise<Role> {
  const link = await services.store.read.identity.ssoSession(session.sessionId);
  if (!link) return session.role;
  // Requests renewing the same session at once ask the provider once (a second refresh with a
  // rotated refresh token would be refused and end a session the provider still vouches for).
  const claimed = await services.store.write((tx) => tx.identity.claimSsoRecheck(session.sessionId, session.now, session.now - RECHECK_MIN_INTERVAL_MS));
  if (!claimed) return session.role;
  const outcome = await askProvider(services, link, session.now);
  const settings = await getSettings(services.store.read);
  const mapped = outcome.ok && outcome.identity ? mapRole(outcome.identity, settings.ssoRoleRules, settings.ssoDefaultRole) : null;
  const reason = !outcome.ok ? outcome.reason : mapped && mapped.role === null ? "no_mapped_role" : null;
  const system = withActor(services, { kind: "system" });
  if (reason !== null) {
    await transact(system, async (tx, record) => {
      const count = await tx.users.revokeSession(session.sessionId, session.userId, session.now);
      await record({ type: "auth.sso_session_ended", subject: session.userId, meta: { provider: link.provider, reason, sessionId: session.sessionId } });
      if (count > 0) await record({ type: "auth.session_revoked", subject: session.userId, meta: { why: "sso_recheck", count } });
    });
    throw new AppError("unauthenticated", "your single sign-on session ended; sign in again");
  }
  return await transact(system, async (tx, record) => {
    await tx.identity.markSsoSessionChecked(session.sessionId, session.now, outcome.ok ? outcome.sealedRefreshToken : null);
    if (!mapped || !outcome.ok || !outcome.identity) return session.role;
    const user = await tx.users.byId(session.userId);
    if (!user) return session.role;
    return await syncProfile(tx, record, user, outcome.identity, mapped.role!, session.now, "sso_renewal");
  });
}
