import { z } from "zod";
import { ROLES, type Role } from "../roles.ts";

/**
 * One group/claim-to-role mapping rule. A rule matches when the sign-in's `claim` (a string or a
 * list of strings: `groups`, `roles`, `email`, `hd`…; for LDAP `groups` holds the DNs and the
 * common names of the person's groups) contains `value`, compared case-insensitively. Rules are
 * tried in order and the first match decides the role.
 */
export const RoleRule = z.strictObject({
  provider: z.enum(["any", "oidc", "ldap"]).default("any"),
  claim: z.string().trim().min(1).max(100).regex(/^[A-Za-z0-9_.:/-]+$/, "claim names are letters, digits and . _ : / -"),
  value: z.string().trim().min(1).max(500),
  role: z.enum(ROLES),
});
export type RoleRule = z.infer<typeof RoleRule>;

export const RoleRules = z.array(RoleRule).max(100);

/** The role when no rule matches: a role, or `none` to refuse the sign-in. */
export const DefaultSsoRole = z.enum([...ROLES, "none"]);
export type DefaultSsoRole = z.infer<typeof DefaultSsoRole>;

const HttpUrl = z.string().trim().max(2000).url();

/** OIDC as the owner sets it in Settings (the client secret is write-only: see OidcSettingsPatch). */
export const OidcSettings = z.strictObject({
  enabled: z.boolean(),
  issuer: HttpUrl,
  clientId: z.string().trim().min(1).max(255),
  /** Null: `<public-url>/api/auth/oidc/callback`. */
  redirectUrl: HttpUrl.nullable(),
  /** Extra scopes besides `openid email profile` (e.g. `groups` for Keycloak/Authentik, `offline_access`). */
  scopes: z.array(z.string().regex(/^[\x21\x23-\x5b\x5d-\x7e]{1,100}$/)).max(20),
  /** The claim holding the person's groups or roles (Keycloak `groups`, Entra `groups` or `roles`). */
  groupsClaim: z.string().trim().min(1).max(100),
  /** The button text on the login page. */
  label: z.string().trim().min(1).max(60),
});
export type OidcSettings = z.infer<typeof OidcSettings>;

export const LdapSettings = z.strictObject({
  enabled: z.boolean(),
  /** `ldaps://host:636` or `ldap://host:389` (with startTls). */
  url: z.string().trim().max(2000).regex(/^ldaps?:\/\/[^\s/]+\/?$/, "expected ldap://host[:port] or ldaps://host[:port]"),
  startTls: z.boolean(),
  /** PEM file of the CA that signed the directory's certificate (null: the system's trust store). */
  caFile: z.string().trim().max(1000).nullable(),
  bindDn: z.string().trim().min(1).max(1000),
  baseDn: z.string().trim().min(1).max(1000),
  /** `{login}` is replaced by the escaped name the person typed. */
  userFilter: z.string().trim().min(3).max(1000).includes("{login}", { message: "the user filter must contain {login}" }),
  emailAttribute: z.string().trim().min(1).max(100),
  nameAttribute: z.string().trim().min(1).max(100),
  /** Where to look for groups that list the person as a member (null: only the entry's memberOf). */
  groupBaseDn: z.string().trim().max(1000).nullable(),
  /** `{dn}` is replaced by the person's escaped DN. */
  groupFilter: z.string().trim().min(3).max(1000).includes("{dn}", { message: "the group filter must contain {dn}" }),
  label: z.string().trim().min(1).max(60),
});
export type LdapSettings = z.infer<typeof LdapSettings>;

export const DEFAULT_OIDC: OidcSettings = Object.freeze({
  enabled: false, issuer: "https://idp.example.internal", clientId: "railyard", redirectUrl: null, scopes: [], groupsClaim: "groups", label: "Sign in with SSO",
});
export const DEFAULT_LDAP: LdapSettings = Object.freeze({
  enabled: false, url: "ldaps://ldap.example.internal", startTls: false, caFile: null, bindDn: "cn=railyard,ou=services,dc=example,dc=internal",
  baseDn: "dc=example,dc=internal", userFilter: "(&(objectClass=person)(|(uid={login})(mail={login})(sAMAccountName={login})))",
  emailAttribute: "mail", nameAttribute: "cn", groupBaseDn: null, groupFilter: "(|(member={dn})(uniqueMember={dn}))", label: "Sign in with directory",
});

/** A change to one provider: any of its fields, and the secret (write-only; "" clears it). */
export const OidcSettingsPatch = OidcSettings.partial().extend({ clientSecret: z.string().max(4096).optional() }).strict();
export const LdapSettingsPatch = LdapSettings.partial().extend({ bindPassword: z.string().max(4096).optional() }).strict();

export const IdentitySettingsPatch = z.strictObject({
  oidc: OidcSettingsPatch.optional(),
  ldap: LdapSettingsPatch.optional(),
  /** Local password sign-in off for everyone but `breakGlassOwnerId`. */
  ssoOnly: z.boolean().optional(),
  breakGlassOwnerId: z.string().max(40).nullable().optional(),
});

/** Claims of one verified sign-in, as the identity provider stated them. */
export interface VerifiedIdentity {
  readonly provider: "oidc" | "ldap";
  /** Stable id at the provider (`<issuer> <sub>`, or the entry DN). */
  readonly subject: string;
  readonly email: string | null;
  /** OIDC `email_verified` (LDAP: true, the directory is authoritative). */
  readonly emailVerified: boolean;
  readonly name: string | null;
  /** Every claim the mapping rules may test (`groups` always a list). */
  readonly claims: Readonly<Record<string, unknown>>;
}

/** What the identity-provider settings look like from outside: secrets reduced to whether they are set. */
export interface IdentitySettingsView {
  oidc: OidcSettings & { clientSecretSet: boolean; source: "settings" | "flags"; effectiveRedirectUrl: string | null };
  ldap: LdapSettings & { bindPasswordSet: boolean };
  ssoOnly: boolean;
  breakGlassOwnerId: string | null;
}

export type MappedRole = Role | null;
