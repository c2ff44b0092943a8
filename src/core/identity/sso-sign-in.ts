// Single sign-on: the OIDC round trip and the LDAP sign-in, then one path for both: the role from
// the mapping rules, just-in-time provisioning or the link to an existing account, the profile as
// the provider states it, a session, and an audit event for every step and every refusal.
import { newId } from "../../lib/ids.ts";
import { MINUTE } from "../../lib/time.ts";
import type { EventInput } from "../audit/append-event.ts";
import { withActor, type Ctx } from "../context.ts";
import { AppError } from "../errors.ts";
import type { Role } from "../roles.ts";
import { getSettings } from "../setting/get-settings.ts";
import { refuse, transact } from "../transact.ts";
import { parseInput } from "../validate.ts";
import { countAttempt, forgiveAttempt, throttleSubjects, type LoginResult } from "../user/login.ts";
import { toUserView } from "../user/schemas.ts";
import { insertSession, signSessionToken } from "../user/session.ts";
import { z } from "zod";
import { effectiveLdap, effectiveOidc, readIdentitySettings } from "./identity-settings.ts";
import { mapRole } from "./map-role.ts";
import { SsoFailure, type LdapPerson, type OidcChecks, type SsoFailureReason } from "./port.ts";
import type { VerifiedIdentity } from "./schemas.ts";
import { seal, unseal } from "./seal.ts";

/** A sign-in round trip (from "Sign in with SSO" to the callback) must finish within this. */
export const ROUND_TRIP_MS = 10 * MINUTE;
const SEAL_ROUND_TRIP = "oidc:round-trip";
export const SEAL_REFRESH = "oidc:refresh-token";

/** The password hash of an account created by single sign-on: matches no password. */
export const SSO_ONLY_PASSWORD = "!sso: signs in with single sign-on";

/** Messages a person sees for each refusal (never a provider's raw answer). */
const SHOWN: Partial<Record<SsoFailureReason, string>> = {
  no_mapped_role: "your account at the identity provider is in no group that has access to Railyard; ask an admin",
  disabled: "this Railyard account is disabled; ask an admin",
  no_email: "the identity provider sent no email address for this account; ask the owner to add the email scope or claim",
  email_not_verified: "a Railyard account with this email exists, but the identity provider has not verified the email; ask an admin",
  round_trip_expired: "the sign-in took too long or was started in another browser; start again",
  not_configured: "single sign-on is not configured",
  bad_credentials: "user name or password is incorrect",
};

/** An SSO refusal as the edges see it: `details.reason` is one of SSO_FAILURES. */
export function ssoError(reason: SsoFailureReason, message?: string): AppError {
  const code = reason === "not_configured" ? "not_found" : reason === "provider_unreachable" ? "internal" : "unauthenticated";
  return new AppError(code, message ?? SHOWN[reason] ?? "single sign-on failed; start again", { reason });
}

/** Records `auth.sso_login_failed` (and nothing else), then throws the refusal. */
async function refuseSso(ctx: Ctx, provider: "oidc" | "ldap", reason: SsoFailureReason, message?: string, subject: string | null = null): Promise<never> {
  return await transact(ctx, async () => refuse(ssoError(reason, message), { type: "auth.sso_login_failed", subject, meta: { provider, reason } }));
}

/** Starts the OIDC round trip: the provider's authorization URL and the sealed checks (for an HttpOnly cookie). */
export async function startOidcSignIn({ ctx, requestOrigin }: { ctx: Ctx; requestOrigin: string | null }): Promise<{ url: string; roundTrip: string }> {
  const oidc = await effectiveOidc(ctx, ctx.store.read, requestOrigin);
  if (!oidc) return await refuseSso(ctx, "oidc", "not_configured");
  try {
    const { url, checks } = await ctx.sso.clients.oidcBegin(oidc.endpoint);
    const expiresAt = ctx.clock.now() + ROUND_TRIP_MS;
    const roundTrip = await seal(ctx.sessionKey, SEAL_ROUND_TRIP, JSON.stringify({ ...checks, redirectUrl: oidc.endpoint.redirectUrl, expiresAt }));
    return { url, roundTrip };
  } catch (error) {
    if (error instanceof SsoFailure) return await refuseSso(ctx, "oidc", error.reason, error.message);
    throw error;
  }
}

const RoundTrip = z.object({ state: z.string(), nonce: z.string(), codeVerifier: z.string(), redirectUrl: z.string(), expiresAt: z.number() });

/** The string-valued list in a claim (`groups` may be a string, a list, or absent). */
function listClaim(value: unknown): string[] {
  const list = Array.isArray(value) ? value : value === undefined || value === null ? [] : [value];
  return list.filter((v): v is string => typeof v === "string");
}

/**
 * Finishes the OIDC round trip at the callback: the sealed checks from this browser's cookie,
 * the code exchange and ID token validation by the client, then the common sign-in.
 */
export async function finishOidcSignIn({ ctx, query, roundTrip, clientAddress, requestOrigin }: { ctx: Ctx; query: string; roundTrip: string | null; clientAddress: string; requestOrigin: string | null }): Promise<LoginResult> {
  const systemCtx = withActor(ctx, { kind: "system", clientAddress });
  const opened = roundTrip === null ? null : await unseal(ctx.sessionKey, SEAL_ROUND_TRIP, roundTrip);
  const parsed = opened === null ? null : RoundTrip.safeParse(JSON.parse(opened));
  if (!parsed?.success) return await refuseSso(systemCtx, "oidc", "state_mismatch", "this sign-in answer does not belong to a sign-in started in this browser; start again");
  const trip = parsed.data;
  if (trip.expiresAt <= ctx.clock.now()) return await refuseSso(systemCtx, "oidc", "round_trip_expired");
  const oidc = await effectiveOidc(ctx, ctx.store.read, requestOrigin);
  if (!oidc) return await refuseSso(systemCtx, "oidc", "not_configured");
  const endpoint = { ...oidc.endpoint, redirectUrl: trip.redirectUrl };
  const callbackUrl = new URL(trip.redirectUrl);
  callbackUrl.search = query;
  const checks: OidcChecks = { state: trip.state, nonce: trip.nonce, codeVerifier: trip.codeVerifier };
  let tokens;
  try {
    tokens = await ctx.sso.clients.oidcComplete(endpoint, callbackUrl, checks);
  } catch (error) {
    if (error instanceof SsoFailure) return await refuseSso(systemCtx, "oidc", error.reason, error.message);
    throw error;
  }
  const claims = tokens.claims;
  const identity: VerifiedIdentity = {
    provider: "oidc",
    subject: `${String(claims.iss)} ${String(claims.sub)}`,
    email: typeof claims.email === "string" ? claims.email.trim().toLowerCase() : null,
    emailVerified: claims.email_verified === true,
    name: typeof claims.name === "string" ? claims.name : typeof claims.preferred_username === "string" ? claims.preferred_username : null,
    claims: { ...claims, groups: listClaim(claims[oidc.groupsClaim]) },
  };
  const vouchedUntil = tokens.refreshToken === null && typeof claims.exp === "number" ? claims.exp * 1000 : null;
  const sealedRefreshToken = tokens.refreshToken === null ? null : await seal(ctx.sessionKey, SEAL_REFRESH, tokens.refreshToken);
  return await completeSsoSignIn(ctx, identity, { clientAddress, sealedRefreshToken, vouchedUntil });
}

const LdapSignInInput = z.strictObject({
  username: z.string().trim().min(1, "enter your user name").max(254),
  password: z.string().max(1024),
});

/** The claims an LDAP sign-in offers the mapping rules. */
export function ldapClaims(person: LdapPerson): Record<string, unknown> {
  return { ...person.attributes, groups: [...person.groups], email: person.email, dn: person.dn };
}

/**
 * Signs a person in with their directory account: throttled like password sign-in (per login and
 * address), then the service bind, search and the bind as the person, then the common sign-in.
 */
export async function ldapSignIn({ ctx, input, clientAddress }: { ctx: Ctx; input: unknown; clientAddress: string }): Promise<LoginResult> {
  const { username, password } = parseInput(LdapSignInInput, input);
  const systemCtx = withActor(ctx, { kind: "system", clientAddress });
  const endpoint = await effectiveLdap(ctx, ctx.store.read);
  if (!endpoint) return await refuseSso(systemCtx, "ldap", "not_configured");
  const login = `ldap:${username.toLowerCase()}`;
  const subjects = throttleSubjects(login, clientAddress);
  const now = ctx.clock.now();
  const { loginMaxFailures } = await getSettings(ctx.store.read);
  const { until, wait } = await countAttempt(systemCtx, subjects, now, loginMaxFailures);
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  let person: LdapPerson | null;
  try {
    person = await ctx.sso.clients.ldapAuthenticate(endpoint, username, password);
  } catch (error) {
    if (error instanceof SsoFailure) return await refuseSso(systemCtx, "ldap", error.reason, error.message);
    throw error;
  }
  if (person === null) {
    const locked: EventInput[] = until > now ? [{ type: "auth.login_locked", meta: { scope: ["pair"], retryAfterSeconds: Math.ceil((until - now) / 1000) } }] : [];
    return await transact(systemCtx, async () => refuse(ssoError("bad_credentials"), { type: "auth.sso_login_failed", meta: { provider: "ldap", reason: "bad_credentials" } }, ...locked));
  }
  const identity: VerifiedIdentity = {
    provider: "ldap", subject: person.dn, email: person.email?.trim().toLowerCase() ?? null, emailVerified: true, name: person.name, claims: ldapClaims(person),
  };
  return await completeSsoSignIn(ctx, identity, { clientAddress, sealedRefreshToken: null, vouchedUntil: null, forgive: { subjects, maxFailures: loginMaxFailures } });
}

/**
 * The common end of every SSO sign-in, in one write: the mapped role (or a refusal), the account
 * (linked, or provisioned just in time), the profile and role as the provider states them, the
 * session and its SSO link. The last enabled owner is never demoted by a mapping.
 */
async function completeSsoSignIn(
  ctx: Ctx,
  identity: VerifiedIdentity,
  link: { clientAddress: string; sealedRefreshToken: string | null; vouchedUntil: number | null; forgive?: { subjects: ReturnType<typeof throttleSubjects>; maxFailures: number } },
): Promise<LoginResult> {
  const systemCtx = withActor(ctx, { kind: "system", clientAddress: link.clientAddress });
  const settings = await getSettings(ctx.store.read);
  const mapped = mapRole(identity, settings.ssoRoleRules, settings.ssoDefaultRole);
  const provider = identity.provider;
  const failed = (reason: SsoFailureReason, subject: string | null = null): never =>
    refuse(ssoError(reason), { type: "auth.sso_login_failed", subject, meta: { provider, reason, rule: mapped.rule } });
  const sessionId = newId("ses");
  const now = ctx.clock.now();

  const signedIn = await transact(systemCtx, async (tx, record) => {
    const linked = await tx.identity.identity(provider, identity.subject);
    let user = linked ? await tx.users.byId(linked.userId) : undefined;
    if (!user) {
      if (identity.email === null) failed("no_email");
      const existing = await tx.users.byEmail(identity.email!);
      if (existing) {
        // Only a verified email may claim an existing account (else anyone able to set their
        // email at the provider could take over a Railyard account).
        if (!identity.emailVerified) failed("email_not_verified", existing.id);
        if (existing.disabled || existing.erasedAt !== null) failed("disabled", existing.id);
        if (mapped.role === null) failed("no_mapped_role", existing.id);
        await tx.identity.insertIdentity({ provider, subject: identity.subject, userId: existing.id, createdAt: now, lastLoginAt: now });
        await record({ type: "user.sso_linked", subject: existing.id, meta: { provider } });
        user = existing;
      } else {
        if (mapped.role === null) failed("no_mapped_role");
        const id = newId("usr");
        const name = (identity.name ?? identity.email!.split("@")[0]!).trim().slice(0, 100) || identity.email!;
        await tx.users.insert({ id, email: identity.email!, name, passwordHash: SSO_ONLY_PASSWORD, role: mapped.role!, disabled: false, createdAt: now, updatedAt: now, erasedAt: null });
        await tx.identity.insertIdentity({ provider, subject: identity.subject, userId: id, createdAt: now, lastLoginAt: now });
        await record({ type: "user.provisioned", subject: id, meta: { provider, role: mapped.role!, rule: mapped.rule } });
        user = (await tx.users.byId(id))!;
      }
    } else {
      if (user.disabled || user.erasedAt !== null) failed("disabled", user.id);
      if (mapped.role === null) failed("no_mapped_role", user.id);
      await tx.identity.touchIdentity(provider, identity.subject, now);
    }
    const role = await syncProfile(tx, record, user, identity, mapped.role!, now, "sso_login");
    if (link.forgive) await forgiveAttempt(tx, link.forgive.subjects, now, link.forgive.maxFailures);
    const { absoluteExpiresAt } = await insertSession(tx, ctx, user.id, sessionId, link.clientAddress, settings);
    await tx.identity.insertSsoSession({ sessionId, provider, subject: identity.subject, sealedRefreshToken: link.sealedRefreshToken, vouchedUntil: link.vouchedUntil, checkedAt: now });
    await record({ type: "auth.sso_login_succeeded", subject: user.id, meta: { provider, sessionId, rule: mapped.rule, role } });
    return { user: (await tx.users.byId(user.id))!, role, absoluteExpiresAt };
  });
  const session = await signSessionToken(ctx, { sessionId, userId: signedIn.user.id, role: signedIn.role, lastSeenAt: now, absoluteExpiresAt: signedIn.absoluteExpiresAt }, settings);
  return { user: toUserView(signedIn.user), sessionId, session };
}

/**
 * Writes the email, name and role the provider states over the account (inside the caller's
 * write) and records what changed. The last enabled owner keeps the owner role whatever the
 * mapping says, and an email another account holds is left as it is. Returns the role now held.
 */
export async function syncProfile(
  tx: Parameters<Parameters<typeof transact>[1]>[0],
  record: Parameters<Parameters<typeof transact>[1]>[1],
  user: { id: string; email: string; name: string; role: Role },
  identity: Pick<VerifiedIdentity, "email" | "emailVerified" | "name" | "provider">,
  mappedRole: Role,
  now: number,
  via: "sso_login" | "sso_renewal",
): Promise<Role> {
  let role = mappedRole;
  if (user.role === "owner" && role !== "owner" && (await tx.users.activeOwnersOtherThan(user.id)) === 0) role = "owner";
  let email = user.email;
  if (identity.email && identity.emailVerified && identity.email !== user.email && identity.email.length <= 254) {
    const holder = await tx.users.byEmail(identity.email);
    if (!holder) email = identity.email;
  }
  const name = identity.name?.trim().slice(0, 100) || user.name;
  const fields = [email !== user.email ? "email" : null, name !== user.name ? "name" : null].filter((f): f is string => f !== null);
  if (fields.length === 0 && role === user.role) return role;
  await tx.identity.setProfile({ id: user.id, email, name, role, updatedAt: now });
  if (fields.length > 0) await record({ type: "user.profile_synced", subject: user.id, meta: { provider: identity.provider, fields, via } });
  if (role !== user.role) await record({ type: "user.role_changed", subject: user.id, meta: { from: user.role, to: role, via } });
  return role;
}

/** Whether SSO-only mode is on (for the login page and the password routes). */
export async function ssoOnlyMode(ctx: Ctx): Promise<boolean> {
  return (await readIdentitySettings(ctx.store.read)).ssoOnly.enabled;
}
