// The five role names, in rank order, for the access-matrix columns. What a role may do comes from
// the server (`/api/auth/me` capabilities and grantable roles), never from a copy of the matrix.
import type { Role } from "../src/core/roles.ts";

export const ROLE_LIST: readonly Role[] = ["owner", "admin", "lead", "developer", "auditor"];
