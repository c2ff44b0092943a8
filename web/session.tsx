// The signed-in person, their role and what it allows; shared by every screen.
import { createContext } from "preact";
import { useContext } from "preact/hooks";
import type { Capability } from "../src/core/roles.ts";
import type { Me, Role } from "./api.ts";

export interface Session {
  me: Me;
  role: Role;
  can: (capability: Capability) => boolean;
  /** Re-reads /api/auth/me (after a change to oneself). */
  refresh: () => void;
  logout: () => void;
  /** Announces a message politely to screen readers and shows it as a toast. */
  announce: (message: string) => void;
}

export const SessionContext = createContext<Session | null>(null);

export function makeSession(me: Me, refresh: () => void, logout: () => void, announce: (m: string) => void): Session {
  const role = me.user.role;
  const capabilities = new Set(me.capabilities);
  return { me, role, can: (c) => capabilities.has(c), refresh, logout, announce };
}

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error("useSession outside a signed-in view");
  return session;
}
