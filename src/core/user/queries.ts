// The user and session queries the core needs (interface only; src/db/queries/user.ts implements them).
import type { Role } from "../roles.ts";

/** A user's standing: enough to decide whether they may still act. */
export interface UserStanding {
  role: Role;
  disabled: boolean;
  erasedAt: number | null;
}

export interface UserRow extends UserStanding {
  id: string;
  email: string;
  name: string;
  passwordHash: string;
  createdAt: number;
  updatedAt: number;
}

/** The fields a profile change may set (the rest of the row stays as it is). */
export interface UserProfile {
  id: string;
  name: string;
  role: Role;
  disabled: boolean;
  updatedAt: number;
}

/** What erasing a person writes over their profile. */
export interface ErasedProfile {
  id: string;
  email: string;
  name: string;
  passwordHash: string;
  erasedAt: number;
}

export interface SessionRow {
  id: string;
  userId: string;
  createdAt: number;
  lastSeenAt: number;
  /** The absolute expiry (the idle deadline is computed from lastSeenAt and the settings). */
  expiresAt: number;
  revokedAt: number | null;
  clientAddress: string | null;
}

/** What checking a session needs, in one lookup: the session and its person's standing. */
export interface SessionAuthRow extends UserStanding {
  userId: string;
  lastSeenAt: number;
  expiresAt: number;
  revokedAt: number | null;
}

export interface SetupTokenRow {
  tokenHash: string;
  createdAt: number;
  expiresAt: number;
}

export interface PasswordResetTokenRow {
  tokenHash: string;
  userId: string;
  createdAt: number;
  expiresAt: number;
}

/** A live (unused, unexpired) reset token and the person it is for. */
export interface PasswordResetTarget {
  userId: string;
  email: string;
  name: string;
  expiresAt: number;
}

/** Failed sign-ins of one subject (`pair:<ip>|<email>`, `address:<ip>` or `account:<email>`; for an account, `lockedUntil` is the next free slot while it is slowed down). */
export interface ThrottleRow {
  subject: string;
  failures: number;
  lockedUntil: number;
  updatedAt: number;
}

export interface UserQueries {
  standing(id: string): Promise<UserStanding | undefined>;
  byId(id: string): Promise<UserRow | undefined>;
  /** The user with this (already lower-cased) email, erased or not. */
  byEmail(email: string): Promise<UserRow | undefined>;
  /** Everyone not erased, by email. */
  listLive(): Promise<UserRow[]>;
  /** The names of these users (erased ones carry their replaced profile name). */
  namesOf(ids: readonly string[]): Promise<{ id: string; name: string }[]>;
  /** Whether any user has the owner role. */
  ownerExists(): Promise<boolean>;
  /** Owners that are enabled and not erased, other than `id`. */
  activeOwnersOtherThan(id: string): Promise<number>;
  insert(row: UserRow): Promise<void>;
  setProfile(profile: UserProfile): Promise<void>;
  /** Replaces a person's password hash. */
  setPasswordHash(id: string, passwordHash: string, updatedAt: number): Promise<void>;
  /** Overwrites the profile, disables the account and marks it erased. */
  erase(profile: ErasedProfile): Promise<void>;
  /** Revokes the person's live plugin keys (part of erasing them); returns how many. */
  revokeKeysOf(userId: string, revokedAt: number, revokedBy: string | null): Promise<number>;

  insertSession(row: SessionRow): Promise<void>;
  sessionAuth(sessionId: string): Promise<SessionAuthRow | undefined>;
  /** Revokes one live session of `userId`; returns 1 when it was live, else 0. */
  revokeSession(sessionId: string, userId: string, revokedAt: number): Promise<number>;
  /** Revokes every live session of a user; returns how many. */
  revokeSessionsOf(userId: string, revokedAt: number): Promise<number>;
  /** Revokes every live session of a user except `keepSessionId`; returns how many. */
  revokeSessionsOfExcept(userId: string, keepSessionId: string, revokedAt: number): Promise<number>;
  touchSession(sessionId: string, lastSeenAt: number): Promise<void>;

  insertSetupToken(row: SetupTokenRow): Promise<void>;
  /** Ends every unused, unexpired setup token now (a new one replaces them); returns how many. */
  expireSetupTokens(now: number): Promise<number>;
  /** Marks an unused, unexpired token used; false when there is no such token. */
  consumeSetupToken(tokenHash: string, usedAt: number): Promise<boolean>;

  insertPasswordResetToken(row: PasswordResetTokenRow): Promise<void>;
  /** Ends every unused, unexpired reset token of a person now; returns how many. */
  expirePasswordResetTokensOf(userId: string, now: number): Promise<number>;
  /** The live token with this hash and its person (not erased), or undefined. */
  passwordResetTarget(tokenHash: string, now: number): Promise<PasswordResetTarget | undefined>;
  /** Marks a live token used; false when there is no such token (unknown, used or expired). */
  consumePasswordResetToken(tokenHash: string, usedAt: number): Promise<boolean>;

  throttles(subjects: readonly string[]): Promise<ThrottleRow[]>;
  /** Inserts or replaces a subject's counter. */
  putThrottle(row: ThrottleRow): Promise<void>;
  deleteThrottle(subject: string): Promise<void>;
}
