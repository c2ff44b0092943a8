import { newId } from "../../lib/ids.ts";
import type { Ctx } from "../context.ts";
import { conflict, forbidden, invalid } from "../errors.ts";
import { atLeast, can } from "../roles.ts";
import type { Tx } from "../store.ts";
import { transact, type Record } from "../transact.ts";
import { parseInput } from "../validate.ts";
import { passwordProblem } from "./common-passwords.ts";
import { hashPassword } from "./password.ts";
import { issueResetToken, type IssuedReset } from "./password-reset.ts";
import { CreateUserInput, InviteUserInput, type UserView } from "./schemas.ts";

export interface PreparedUser {
  email: string;
  name: string;
  role: CreateUserInput["role"];
  passwordHash: string;
}

/** Validates a new user and hashes the password (slow, so done before any transaction opens). */
export async function prepareUser(input: unknown): Promise<PreparedUser> {
  const data = parseInput(CreateUserInput, input);
  const problem = passwordProblem(data.password, { email: data.email, name: data.name });
  if (problem) throw invalid(`password: ${problem}`, { fields: ["password"] });
  return { email: data.email, name: data.name ?? data.email.split("@")[0]!, role: data.role, passwordHash: await hashPassword(data.password) };
}

/** Inserts a prepared user inside the caller's transaction and records `user.created`. */
export async function insertUser(tx: Tx, record: Record, now: number, user: PreparedUser): Promise<UserView> {
  if (await tx.users.byEmail(user.email)) throw conflict("a user with this email already exists");
  const id = newId("usr");
  await tx.users.insert({ id, ...user, disabled: false, createdAt: now, updatedAt: now, erasedAt: null });
  await record({ type: "user.created", subject: id, meta: { role: user.role } });
  return { id, email: user.email, name: user.name, role: user.role, disabled: false, createdAt: now };
}

/**
 * Creates a user. People need `users.manage` and cannot grant a role above their own; the system
 * actor (scripted installs) may create any role.
 */
export async function createUser({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<UserView> {
  const actor = ctx.actor;
  if (actor.kind === "agent") throw forbidden("agents cannot manage people");
  const user = await prepareUser(input);
  if (actor.kind === "human") {
    if (!can(actor.role, "users.manage")) throw forbidden("your role cannot manage people");
    if (!atLeast(actor.role, user.role)) throw forbidden(`you cannot grant the role ${user.role}, which is above your own`);
  }
  return transact(ctx, (tx, record) => insertUser(tx, record, ctx.clock.now(), user));
}

/** An invited person has no password until they set one with their link: this marker matches none. */
export const NO_PASSWORD_YET = "!invited: set with a one-time link";

/**
 * Invites a person: creates the account without a password and issues a one-time link (valid one
 * hour) with which they set their own, so the admin never chooses or learns it. Needs
 * `users.manage`, never granting a role above one's own.
 */
export async function inviteUser({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<{ user: UserView; reset: IssuedReset }> {
  const actor = ctx.actor;
  if (actor.kind === "agent") throw forbidden("agents cannot manage people");
  const data = parseInput(InviteUserInput, input);
  if (actor.kind === "human") {
    if (!can(actor.role, "users.manage")) throw forbidden("your role cannot manage people");
    if (!atLeast(actor.role, data.role)) throw forbidden(`you cannot grant the role ${data.role}, which is above your own`);
  }
  const prepared: PreparedUser = { email: data.email, name: data.name ?? data.email.split("@")[0]!, role: data.role, passwordHash: NO_PASSWORD_YET };
  return transact(ctx, async (tx, record) => {
    const now = ctx.clock.now();
    const user = await insertUser(tx, record, now, prepared);
    return { user, reset: await issueResetToken(tx, record, now, user.id, "invite") };
  });
}
