// The identity providers as the core sees them: protocol clients (OIDC, LDAP) live in src/identity/
// and are handed in by the composition root. The core decides everything else: configuration,
// role mapping, provisioning, sessions, throttling and the audit trail.

/** Where and as whom to reach the OpenID provider. */
export interface OidcEndpoint {
  readonly issuer: string;
  readonly clientId: string;
  readonly clientSecret: string | null;
  readonly redirectUrl: string;
  readonly scopes: readonly string[];
}

/** The checks a sign-in round trip must pass on the way back (kept sealed in a cookie meanwhile). */
export interface OidcChecks {
  readonly state: string;
  readonly nonce: string;
  readonly codeVerifier: string;
}

/** A validated ID token's claims, and the refresh token when the provider issued one. */
export interface OidcTokens {
  readonly claims: Readonly<Record<string, unknown>>;
  readonly refreshToken: string | null;
}

export interface LdapEndpoint {
  readonly url: string;
  readonly startTls: boolean;
  readonly caFile: string | null;
  readonly bindDn: string;
  readonly bindPassword: string;
  readonly baseDn: string;
  readonly userFilter: string;
  readonly emailAttribute: string;
  readonly nameAttribute: string;
  readonly groupBaseDn: string | null;
  readonly groupFilter: string;
}

/** A directory entry as sign-in needs it. */
export interface LdapPerson {
  readonly dn: string;
  readonly email: string | null;
  readonly name: string | null;
  /** Group DNs and their common names. */
  readonly groups: readonly string[];
  /** Login attributes (uid, sAMAccountName…) the mapping rules may also test. */
  readonly attributes: Readonly<Record<string, string | string[]>>;
}

/** Why a provider step failed, as a closed set the audit trail records. */
export const SSO_FAILURES = [
  "not_configured", "misconfigured", "provider_unreachable", "provider_error", "state_mismatch", "round_trip_expired",
  "code_rejected", "id_token_invalid", "bad_credentials", "account_gone", "no_email", "email_not_verified",
  "no_mapped_role", "disabled",
] as const;
export type SsoFailureReason = (typeof SSO_FAILURES)[number];

/** A provider step that failed. `message` is safe to show (never a secret, a token or the provider's raw answer). */
export class SsoFailure extends Error {
  constructor(readonly reason: SsoFailureReason, message: string) {
    super(message);
    this.name = "SsoFailure";
  }
}

export interface SsoClients {
  /** Discovery, then the authorization URL with PKCE (S256), state and nonce. */
  oidcBegin(endpoint: OidcEndpoint): Promise<{ url: string; checks: OidcChecks }>;
  /** Exchanges the code and validates the ID token (signature, iss, aud, exp, nonce) and the state. */
  oidcComplete(endpoint: OidcEndpoint, callbackUrl: URL, checks: OidcChecks): Promise<OidcTokens>;
  /** A refresh grant: the provider still vouches for the person (throws SsoFailure `account_gone` when it no longer does). */
  oidcRefresh(endpoint: OidcEndpoint, refreshToken: string): Promise<OidcTokens>;
  /** Service bind, search, then bind as the person; null for an unknown login or a wrong password. */
  ldapAuthenticate(endpoint: LdapEndpoint, login: string, password: string): Promise<LdapPerson | null>;
  /** The entry at `dn` read with the service account; null when it is gone or disabled. */
  ldapLookup(endpoint: LdapEndpoint, dn: string): Promise<LdapPerson | null>;
}

/** SSO wiring in Services: the clients and the OIDC provider given by flags (which wins over Settings). */
export interface SsoServices {
  readonly clients: SsoClients;
  readonly oidcFromFlags: { readonly issuer: string; readonly clientId: string; readonly clientSecret: string | null; readonly redirectUrl: string | null } | null;
  /** The configured public URL (null: the redirect URL is derived from the request's own origin). */
  readonly publicUrl: string | null;
}
