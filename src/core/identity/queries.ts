// The single-sign-on queries the core needs (interface only; src/db/queries/identity.ts implements them).
import type { Role } from "../roles.ts";

export type SsoProvider = "oidc" | "ldap";

export interface SsoIdentityRow {
  provider: SsoProvider;
  subject: string;
  userId: string;
  createdAt: number;
  lastLoginAt: number;
}

export interface SsoSessionRow {
  sessionId: string;
  provider: SsoProvider;
  subject: string;
  /** The OIDC refresh token sealed with the session key (null when the provider issued none, and for LDAP). */
  sealedRefreshToken: string | null;
  /** Without a refresh token: the ID token's expiry (ms), after which the next renewal ends the session. */
  vouchedUntil: number | null;
  checkedAt: number;
}

/** What a sign-in from the identity provider writes over a person's profile. */
export interface SsoProfile {
  id: string;
  email: string;
  name: string;
  role: Role;
  updatedAt: number;
}

export interface IdentityQueries {
  identity(provider: SsoProvider, subject: string): Promise<SsoIdentityRow | undefined>;
  insertIdentity(row: SsoIdentityRow): Promise<void>;
  touchIdentity(provider: SsoProvider, subject: string, lastLoginAt: number): Promise<void>;
  /** Removes every link of a person to identity-provider accounts (erasure); returns how many there were. */
  deleteIdentitiesOf(userId: string): Promise<number>;
  /** Removes the SSO records (subject, sealed refresh token) of all of a person's sessions (erasure). */
  deleteSsoSessionsOf(userId: string): Promise<void>;
  /** Writes the profile the identity provider sent (email, name, role). */
  setProfile(profile: SsoProfile): Promise<void>;
  insertSsoSession(row: SsoSessionRow): Promise<void>;
  ssoSession(sessionId: string): Promise<SsoSessionRow | undefined>;
  /**
   * Claims the re-check of a session: true for exactly one caller when the last check (or claim)
   * was before `checkedBefore` (concurrent renewals, on one node or several, re-check once).
   */
  claimSsoRecheck(sessionId: string, now: number, checkedBefore: number): Promise<boolean>;
  /** After a successful re-check: when, and the refresh token the provider rotated to (if any). */
  markSsoSessionChecked(sessionId: string, checkedAt: number, sealedRefreshToken: string | null): Promise<void>;
}
