import { eq } from "drizzle-orm";
import { users } from "../../db/schema/index.ts";
import type { Db } from "../../db/store.ts";
import { toUserView, type UserView } from "./schemas.ts";

/** A live (not erased) user by email, compared in lower case as stored. */
export function findUserByEmail(db: Db, email: string): UserView | null {
  const row = db.select().from(users).where(eq(users.email, email.trim().toLowerCase())).get();
  return row && row.erasedAt === null ? toUserView(row) : null;
}
