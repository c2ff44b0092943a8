import { z } from "zod";
import { idPattern } from "../../lib/ids.ts";

export const KeyName = z.string().trim().min(1, "enter a name").max(100);
export const KeyId = z.string().max(32).regex(idPattern("key"), "not a key id");

export const CreateKeyInput = z.strictObject({
  name: KeyName,
  /** Days until the key stops working; absent means it never expires (it can still be revoked). */
  expiresDays: z.int().min(1).max(3650).optional(),
  /** Only the system actor (the CLI) names the user; people create keys for themselves. */
  userId: z.string().max(32).regex(idPattern("usr"), "not a user id").optional(),
});
export type CreateKeyInput = z.infer<typeof CreateKeyInput>;

export const KeyIdInput = z.strictObject({ id: KeyId });

export const ListKeysInput = z.strictObject({
  all: z.boolean().optional(),
});

/** What leaves the core about a key: never its hash, never the plaintext (except once, at creation). */
export interface KeyView {
  id: string;
  userId: string;
  name: string;
  hint: string;
  createdAt: number;
  expiresAt: number | null;
  lastUsedAt: number | null;
  revokedAt: number | null;
  /** Where the last recorded use came from (the client address, as the server saw it). */
  lastAddress: string | null;
  /** The MCP client as it names itself (clientInfo), null until one announced itself. */
  client: { name: string; version: string | null } | null;
  /** Requests made with the key. */
  calls: number;
}
