// The plugin-key queries the core needs (interface only; src/db/queries/key.ts implements them).
import type { Role } from "../roles.ts";

export interface KeyRow {
  id: string;
  userId: string;
  name: string;
  /** SHA-256 hex of the plaintext key; the plaintext is never stored. */
  hash: string;
  hint: string;
  createdAt: number;
  expiresAt: number | null;
  lastUsedAt: number | null;
  revokedAt: number | null;
  revokedBy: string | null;
  lastAddress: string | null;
  clientName: string | null;
  clientVersion: string | null;
  calls: number;
}

/** What authenticating a key needs, in one lookup: the key and its owner's standing. */
export interface KeyAuthRow {
  id: string;
  userId: string;
  expiresAt: number | null;
  revokedAt: number | null;
  lastUsedAt: number | null;
  role: Role;
  disabled: boolean;
  erasedAt: number | null;
}

export interface KeyQueries {
  byId(id: string): Promise<KeyRow | undefined>;
  /** The key with this hash and its owner (undefined when no key has it). */
  authByHash(hash: string): Promise<KeyAuthRow | undefined>;
  /** Newest first; all users' keys when `userId` is null. */
  list(userId: string | null): Promise<KeyRow[]>;
  /** How many of the person's keys are neither revoked nor expired at `now`. */
  countActive(userId: string, now: number): Promise<number>;
  insert(row: KeyRow): Promise<void>;
  revoke(id: string, revokedAt: number, revokedBy: string | null): Promise<void>;
  /** Records a use: when, from where, and `calls` more requests (added to the stored count). */
  touch(id: string, lastUsedAt: number, lastAddress: string, calls: number): Promise<void>;
  /** The MCP client (name and version from its clientInfo) now using the key. */
  setClient(id: string, clientName: string, clientVersion: string | null): Promise<void>;
}
