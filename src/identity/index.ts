import type { Logger } from "pino";
import type { SsoClients } from "../core/identity/port.ts";
import { createLdapClient } from "./ldap.ts";
import { createOidcClient } from "./oidc.ts";

/** The protocol clients behind the core's SSO port (built once by the composition root). */
export function createSsoClients(logger: Logger): SsoClients {
  return { ...createOidcClient(logger), ...createLdapClient(logger) };
}
