import { sha256Hex } from "../../lib/hash.ts";
import { newId } from "../../lib/ids.ts";
import { formatPluginKey } from "../../lib/plugin-key-format.ts";
import { DAY } from "../../lib/time.ts";
import type { Ctx } from "../context.ts";
import { AppError, forbidden, invalid, notFound } from "../errors.ts";
import { can } from "../roles.ts";
import { transact } from "../transact.ts";
import { parseInput } from "../validate.ts";
import { CreateKeyInput } from "./schemas.ts";

/** Active (unrevoked, unexpired) plugin keys one person may hold: a leaked session cannot mint keys without bound. */
export const MAX_ACTIVE_KEYS_PER_PERSON = 20;

/** Characters of the key kept as a hint so people can tell their keys apart ("ryd_" + 4). */
export const KEY_HINT_LENGTH = 8;

/**
 * Creates a plugin key for the acting person (the system actor names `userId`). Only the SHA-256
 * is stored; the plaintext is returned this once.
 */
export async function createKey({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<{ id: string; key: string; name: string; expiresAt: number | null }> {
  const data = parseInput(CreateKeyInput, input);
  const actor = ctx.actor;
  if (actor.kind === "agent") throw forbidden("agents cannot create plugin keys");
  let userId: string;
  if (actor.kind === "human") {
    if (data.userId !== undefined && data.userId !== actor.userId) throw forbidden("you can only create keys for yourself");
    userId = actor.userId;
  } else {
    if (data.userId === undefined) throw invalid("userId: required for the system actor", { fields: ["userId"] });
    userId = data.userId;
  }
  const key = formatPluginKey(crypto.getRandomValues(new Uint8Array(32)));
  const id = newId("key");
  const now = ctx.clock.now();
  const expiresAt = data.expiresDays === undefined ? null : now + data.expiresDays * DAY;
  await transact(ctx, async (tx, record) => {
    const owner = await tx.users.standing(userId);
    if (!owner || owner.erasedAt !== null) throw notFound("user");
    if (owner.disabled) throw forbidden("this user is disabled");
    // Checked against the stored role, not the session's, so a just-demoted auditor cannot slip through.
    if (!can(owner.role, "keys.own")) throw forbidden(`the ${owner.role} role cannot own plugin keys`);
    // Counted inside the write: writes are serialised, so two concurrent creations cannot both pass.
    if ((await tx.keys.countActive(userId, now)) >= MAX_ACTIVE_KEYS_PER_PERSON) {
      const who = actor.kind === "human" ? "you already have" : "this person already has";
      throw new AppError("conflict", `${who} ${MAX_ACTIVE_KEYS_PER_PERSON} active plugin keys, the most one person may hold; revoke one that is no longer used (web app → Keys → Revoke, or DELETE /api/keys/<id>) and try again`, { limit: MAX_ACTIVE_KEYS_PER_PERSON });
    }
    await tx.keys.insert({ id, userId, name: data.name, hash: sha256Hex(key), hint: key.slice(0, KEY_HINT_LENGTH), createdAt: now, expiresAt, lastUsedAt: null, revokedAt: null, revokedBy: null, lastAddress: null, clientName: null, clientVersion: null, calls: 0 });
    await record({ type: "key.created", subject: id, meta: { userId, expiresAt } });
  });
  return { id, key, name: data.name, expiresAt };
}
