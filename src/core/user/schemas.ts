import { z } from "zod";
import { ROLES } from "../roles.ts";

export const Email = z.string().trim().toLowerCase().max(254).email("enter a valid email address");
export const DisplayName = z.string().trim().min(1, "enter a name").max(100);
/** Length only; strength rules live in password.ts so they can explain themselves. */
export const Password = z.string().max(1024, "passwords are at most 1024 characters");
export const RoleName = z.enum(ROLES);

export const CreateUserInput = z.strictObject({
  email: Email,
  name: DisplayName.optional(),
  role: RoleName,
  password: Password,
});
export type CreateUserInput = z.infer<typeof CreateUserInput>;

/** An invitation: no password (the person sets their own with the one-time link). */
export const InviteUserInput = z.strictObject({
  email: Email,
  name: DisplayName.optional(),
  role: RoleName,
});
export type InviteUserInput = z.infer<typeof InviteUserInput>;

export const SetupInput = z.strictObject({
  token: z.string().min(1).max(200),
  email: Email,
  name: DisplayName,
  password: Password,
});
export type SetupInput = z.infer<typeof SetupInput>;

/** What leaves the core about a person: never the password hash. */
export interface UserView {
  id: string;
  email: string;
  name: string;
  role: (typeof ROLES)[number];
  disabled: boolean;
  createdAt: number;
}

export const LoginInput = z.strictObject({
  // Not validated as an email: any malformed value gets the same answer as a wrong password.
  email: z.string().trim().toLowerCase().max(254),
  password: Password,
});
export type LoginInput = z.infer<typeof LoginInput>;

export const UpdateUserInput = z.strictObject({
  name: DisplayName.optional(),
  role: RoleName.optional(),
  disabled: z.boolean().optional(),
});
export type UpdateUserInput = z.infer<typeof UpdateUserInput>;

/** Projects a users row to what may leave the core. */
export function toUserView(row: { id: string; email: string; name: string; role: (typeof ROLES)[number]; disabled: boolean; createdAt: number }): UserView {
  return { id: row.id, email: row.email, name: row.name, role: row.role, disabled: row.disabled, createdAt: row.createdAt };
}
