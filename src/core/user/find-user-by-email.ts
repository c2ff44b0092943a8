import type { Queries } from "../store.ts";
import { toUserView, type UserView } from "./schemas.ts";

/** A live (not erased) user by email, compared in lower case as stored. */
export async function findUserByEmail(q: Pick<Queries, "users">, email: string): Promise<UserView | null> {
  const row = await q.users.byEmail(email.trim().toLowerCase());
  return row && row.erasedAt === null ? toUserView(row) : null;
}
