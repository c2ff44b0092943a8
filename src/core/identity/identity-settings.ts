// The identity providers' settings: stored as settings rows of their own (outside the settings
// everyone may read), secrets sealed with the session key and never returned, only "is set".
// OIDC given by flags wins over Settings (and Settings then show it, read-only).
import type { Ctx, Services } from "../context.ts";
import { forbidden, invalid } from "../errors.ts";
import { can } from "../roles.ts";
import type { Queries } from "../store.ts";
import { transact } from "../transact.ts";
import { parseInput } from "../validate.ts";
import { issuerProblem, redirectUrlProblem } from "./issuer.ts";
import type { LdapEndpoint, OidcEndpoint } from "./port.ts";
import {
  DEFAULT_LDAP, DEFAULT_OIDC, IdentitySettingsPatch, LdapSettings, OidcSettings,
  type IdentitySettingsView,
} from "./schemas.ts";
import { seal, unseal } from "./seal.ts";

const KEYS = { oidc: "identity.oidc", oidcSecret: "identity.oidcSecret", ldap: "identity.ldap", ldapSecret: "identity.ldapSecret", ssoOnly: "identity.ssoOnly" } as const;
const SEAL_OIDC = "settings:oidc-client-secret";
const SEAL_LDAP = "settings:ldap-bind-password";

export const CALLBACK_PATH = "/api/auth/oidc/callback";

interface StoredIdentity {
  oidc: OidcSettings;
  oidcSecret: string | null;
  ldap: LdapSettings;
  ldapSecret: string | null;
  ssoOnly: { enabled: boolean; breakGlassOwnerId: string | null };
}

/** The stored identity settings (unreadable rows fall back to their defaults: providers off). */
export async function readIdentitySettings(q: Pick<Queries, "settings">): Promise<StoredIdentity> {
  const rows = new Map((await q.settings.all()).map((r) => [r.key, r.value]));
  const oidc = OidcSettings.safeParse(rows.get(KEYS.oidc));
  const ldap = LdapSettings.safeParse(rows.get(KEYS.ldap));
  const ssoOnly = rows.get(KEYS.ssoOnly) as { enabled?: unknown; breakGlassOwnerId?: unknown } | undefined;
  const text = (v: unknown) => (typeof v === "string" && v.length > 0 ? v : null);
  return {
    oidc: oidc.success ? oidc.data : { ...DEFAULT_OIDC },
    oidcSecret: text(rows.get(KEYS.oidcSecret)),
    ldap: ldap.success ? ldap.data : { ...DEFAULT_LDAP },
    ldapSecret: text(rows.get(KEYS.ldapSecret)),
    ssoOnly: { enabled: ssoOnly?.enabled === true, breakGlassOwnerId: text(ssoOnly?.breakGlassOwnerId) },
  };
}

/** The redirect URL: the configured one, else the public URL's (or the request's own origin's) callback path. */
function redirectUrlFor(services: Services, configured: string | null, requestOrigin: string | null): string | null {
  if (configured) return configured;
  const origin = services.sso.publicUrl ?? requestOrigin;
  return origin ? origin + CALLBACK_PATH : null;
}

/** The OpenID provider to use now (flags first, then Settings when enabled), or null when OIDC is off. */
export async function effectiveOidc(services: Services, q: Pick<Queries, "settings">, requestOrigin: string | null): Promise<{ endpoint: OidcEndpoint; groupsClaim: string; label: string } | null> {
  const flags = services.sso.oidcFromFlags;
  const stored = await readIdentitySettings(q);
  if (flags) {
    const redirectUrl = redirectUrlFor(services, flags.redirectUrl, requestOrigin)!;
    return { endpoint: { issuer: flags.issuer, clientId: flags.clientId, clientSecret: flags.clientSecret, redirectUrl, scopes: stored.oidc.scopes }, groupsClaim: stored.oidc.groupsClaim, label: stored.oidc.label };
  }
  if (!stored.oidc.enabled) return null;
  const clientSecret = stored.oidcSecret === null ? null : await unseal(services.sessionKey, SEAL_OIDC, stored.oidcSecret);
  if (stored.oidcSecret !== null && clientSecret === null) {
    services.logger.error("the OIDC client secret in Settings cannot be opened with this data dir's session key; enter it again in Settings");
  }
  const redirectUrl = redirectUrlFor(services, stored.oidc.redirectUrl, requestOrigin);
  if (redirectUrl === null) return null;
  const o = stored.oidc;
  return { endpoint: { issuer: o.issuer, clientId: o.clientId, clientSecret, redirectUrl, scopes: o.scopes }, groupsClaim: o.groupsClaim, label: o.label };
}

/** The directory to use now, or null when LDAP is off. */
export async function effectiveLdap(services: Services, q: Pick<Queries, "settings">): Promise<LdapEndpoint | null> {
  const stored = await readIdentitySettings(q);
  if (!stored.ldap.enabled) return null;
  const bindPassword = stored.ldapSecret === null ? null : await unseal(services.sessionKey, SEAL_LDAP, stored.ldapSecret);
  if (bindPassword === null) {
    services.logger.error("LDAP is enabled but its bind password is missing or cannot be opened with this data dir's session key; enter it again in Settings");
    return null;
  }
  const { enabled: _enabled, label: _label, ...rest } = stored.ldap;
  return { ...rest, bindPassword };
}

/** What the login page may know: which SSO buttons to show, and whether password sign-in is off. */
export async function ssoAvailability(services: Services): Promise<{ oidc: { label: string } | null; ldap: { label: string } | null; ssoOnly: boolean }> {
  const q = services.store.read;
  const stored = await readIdentitySettings(q);
  const oidcOn = services.sso.oidcFromFlags !== null || stored.oidc.enabled;
  return {
    oidc: oidcOn ? { label: stored.oidc.label } : null,
    ldap: stored.ldap.enabled && stored.ldapSecret !== null ? { label: stored.ldap.label } : null,
    ssoOnly: stored.ssoOnly.enabled,
  };
}

function requireOwner(ctx: Ctx): void {
  if (ctx.actor.kind !== "human" || !can(ctx.actor.role, "settings.manage")) throw forbidden("only the owner can see and change sign-in settings");
}

/** The identity settings for the owner's Settings page (secrets only as "set" or not). */
export async function getIdentitySettings({ ctx, requestOrigin = null }: { ctx: Ctx; requestOrigin?: string | null }): Promise<IdentitySettingsView> {
  requireOwner(ctx);
  return viewOf(ctx, await readIdentitySettings(ctx.store.read), requestOrigin);
}

function viewOf(services: Services, stored: StoredIdentity, requestOrigin: string | null): IdentitySettingsView {
  const flags = services.sso.oidcFromFlags;
  const oidc = flags
    ? { ...stored.oidc, enabled: true, issuer: flags.issuer, clientId: flags.clientId, redirectUrl: flags.redirectUrl, clientSecretSet: flags.clientSecret !== null, source: "flags" as const }
    : { ...stored.oidc, clientSecretSet: stored.oidcSecret !== null, source: "settings" as const };
  return {
    oidc: { ...oidc, effectiveRedirectUrl: redirectUrlFor(services, oidc.redirectUrl, requestOrigin) },
    ldap: { ...stored.ldap, bindPasswordSet: stored.ldapSecret !== null },
    ssoOnly: stored.ssoOnly.enabled,
    breakGlassOwnerId: stored.ssoOnly.breakGlassOwnerId,
  };
}

/**
 * Changes the identity providers and SSO-only mode (owner only). Records which fields changed,
 * never their secrets (only that a secret was set or cleared). SSO-only needs a break-glass owner
 * who is an enabled owner with a password, and a provider people can sign in with.
 */
export async function updateIdentitySettings({ ctx, input, requestOrigin = null }: { ctx: Ctx; input: unknown; requestOrigin?: string | null }): Promise<IdentitySettingsView> {
  requireOwner(ctx);
  const patch = parseInput(IdentitySettingsPatch, input);
  const fromFlags = Object.keys(patch.oidc ?? {}).filter((k) => !["scopes", "groupsClaim", "label"].includes(k));
  if (ctx.sso.oidcFromFlags && fromFlags.length > 0) {
    throw invalid(`oidc.${fromFlags[0]}: OIDC is configured by the --oidc-* flags on this server; change the flags, or remove them to configure it here`, { fields: [`oidc.${fromFlags[0]}`] });
  }
  const { clientSecret, ...oidcFields } = patch.oidc ?? {};
  const { bindPassword, ...ldapFields } = patch.ldap ?? {};
  if (oidcFields.issuer !== undefined) {
    const why = issuerProblem(oidcFields.issuer);
    if (why) throw invalid(`oidc.issuer: ${why}`, { fields: ["oidc.issuer"] });
  }
  if (oidcFields.redirectUrl) {
    const why = redirectUrlProblem(oidcFields.redirectUrl);
    if (why) throw invalid(`oidc.redirectUrl: ${why}`, { fields: ["oidc.redirectUrl"] });
  }
  // Sealing is async crypto: done before the write opens.
  const sealedOidc = clientSecret === undefined ? undefined : clientSecret === "" ? null : await seal(ctx.sessionKey, SEAL_OIDC, clientSecret);
  const sealedLdap = bindPassword === undefined ? undefined : bindPassword === "" ? null : await seal(ctx.sessionKey, SEAL_LDAP, bindPassword);
  const actorId = ctx.actor.kind === "human" ? ctx.actor.userId : null;

  return transact(ctx, async (tx, record) => {
    const now = ctx.clock.now();
    const before = await readIdentitySettings(tx);
    const put = (key: string, value: unknown) => tx.settings.put({ key, value, updatedAt: now, updatedBy: actorId });
    const changed: string[] = [];
    const secrets: string[] = [];

    const oidc = { ...before.oidc, ...oidcFields };
    for (const k of Object.keys(oidcFields) as (keyof OidcSettings)[]) if (JSON.stringify(before.oidc[k]) !== JSON.stringify(oidc[k])) changed.push(`oidc.${k}`);
    if (changed.some((k) => k.startsWith("oidc."))) await put(KEYS.oidc, OidcSettings.parse(oidc));
    if (sealedOidc !== undefined) {
      await put(KEYS.oidcSecret, sealedOidc ?? "");
      secrets.push(sealedOidc === null ? "oidc.clientSecret:cleared" : "oidc.clientSecret:set");
    }

    const ldap = { ...before.ldap, ...ldapFields };
    for (const k of Object.keys(ldapFields) as (keyof LdapSettings)[]) if (JSON.stringify(before.ldap[k]) !== JSON.stringify(ldap[k])) changed.push(`ldap.${k}`);
    if (changed.some((k) => k.startsWith("ldap."))) await put(KEYS.ldap, LdapSettings.parse(ldap));
    if (sealedLdap !== undefined) {
      await put(KEYS.ldapSecret, sealedLdap ?? "");
      secrets.push(sealedLdap === null ? "ldap.bindPassword:cleared" : "ldap.bindPassword:set");
    }
    if (changed.length > 0 || secrets.length > 0) await record({ type: "identity.settings_changed", meta: { keys: changed, secrets } });

    const ssoOnly = {
      enabled: patch.ssoOnly ?? before.ssoOnly.enabled,
      breakGlassOwnerId: patch.breakGlassOwnerId !== undefined ? patch.breakGlassOwnerId : before.ssoOnly.breakGlassOwnerId,
    };
    if (ssoOnly.enabled) {
      if (ssoOnly.breakGlassOwnerId === null) throw invalid("breakGlassOwnerId: SSO-only mode needs a break-glass owner who keeps password sign-in", { fields: ["breakGlassOwnerId"] });
      const owner = await tx.users.byId(ssoOnly.breakGlassOwnerId);
      if (!owner || owner.role !== "owner" || owner.disabled || owner.erasedAt !== null) {
        throw invalid("breakGlassOwnerId: the break-glass account must be an enabled owner", { fields: ["breakGlassOwnerId"] });
      }
      const oidcOn = ctx.sso.oidcFromFlags !== null || oidc.enabled;
      const ldapOn = ldap.enabled && (sealedLdap ?? (sealedLdap === undefined ? before.ldapSecret : null)) !== null;
      if (!oidcOn && !ldapOn) throw invalid("ssoOnly: enable OIDC or LDAP first; otherwise nobody but the break-glass owner could sign in", { fields: ["ssoOnly"] });
    }
    if (ssoOnly.enabled !== before.ssoOnly.enabled || ssoOnly.breakGlassOwnerId !== before.ssoOnly.breakGlassOwnerId) {
      await put(KEYS.ssoOnly, ssoOnly);
      await record({ type: "auth.sso_only_changed", subject: ssoOnly.breakGlassOwnerId, meta: { enabled: ssoOnly.enabled, breakGlassOwnerId: ssoOnly.breakGlassOwnerId } });
    }
    return viewOf(ctx, await readIdentitySettings(tx), requestOrigin);
  });
}
