// The LDAP / Active Directory client (ldapts): bind with the service account, search the person,
// then bind as them with the password they typed, over LDAPS or StartTLS with the configured CA.
// Group membership comes from the entry's memberOf and, when a group base is set, from a search
// for groups that list the person. The bind password and the person's password never reach a
// message or a log.
import { readFileSync } from "node:fs";
import { isIP } from "node:net";
import { Client, InvalidCredentialsError, type Entry } from "ldapts";
import type { Logger } from "pino";
import { SsoFailure, type LdapEndpoint, type LdapPerson } from "../core/identity/port.ts";

const TIMEOUT_MS = 10_000;
/** Active Directory's userAccountControl bit for a disabled account. */
const AD_ACCOUNTDISABLE = 0x2;

/** Escapes a value for an LDAP search filter (RFC 4515). */
export function escapeFilterValue(value: string): string {
  return value.replace(/[\\*()\0]/g, (c) => `\\${c.charCodeAt(0).toString(16).padStart(2, "0")}`);
}

/** The value of a DN's first RDN (`cn=railyard-leads,ou=groups,…` → `railyard-leads`). */
export function firstRdnValue(dn: string): string | null {
  const match = /^[^=,]+=((?:\\.|[^,\\])*)/.exec(dn);
  return match ? match[1]!.replace(/\\(.)/g, "$1") : null;
}

const strings = (value: Entry[string] | undefined): string[] =>
  value === undefined ? [] : (Array.isArray(value) ? value : [value]).map((v) => (Buffer.isBuffer(v) ? v.toString("utf8") : String(v)));

function isNetworkError(error: unknown): boolean {
  const code = (error as { code?: string })?.code ?? "";
  const name = (error as Error)?.name ?? "";
  return /^(ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|EPIPE)$/.test(code) || /Timeout/.test(name);
}

function isTlsError(error: unknown): boolean {
  const code = (error as { code?: string })?.code ?? "";
  return /CERT|SELF_SIGNED|UNABLE_TO|ERR_TLS|HOSTNAME|ALTNAME/i.test(code);
}

export function createLdapClient(logger: Logger) {
  const caCache = new Map<string, Buffer>();
  function ca(endpoint: LdapEndpoint): Buffer[] | undefined {
    if (endpoint.caFile === null) return undefined;
    let pem = caCache.get(endpoint.caFile);
    if (!pem) {
      try {
        pem = readFileSync(endpoint.caFile);
      } catch (error) {
        throw new SsoFailure("misconfigured", `LDAP CA file: cannot read ${endpoint.caFile} (${(error as NodeJS.ErrnoException).code ?? "error"})`);
      }
      caCache.set(endpoint.caFile, pem);
    }
    return [pem];
  }

  /** A connected client (TLS established: LDAPS, or StartTLS before anything else is sent). */
  async function connect(endpoint: LdapEndpoint): Promise<Client> {
    const hostname = new URL(endpoint.url).hostname.replace(/^\[|\]$/g, "");
    // The host name the certificate must match (SNI only for names, never for addresses).
    const tlsOptions = { ca: ca(endpoint), minVersion: "TLSv1.2" as const, host: hostname, servername: isIP(hostname) ? undefined : hostname };
    if (endpoint.url.startsWith("ldaps://")) return new Client({ url: endpoint.url, timeout: TIMEOUT_MS, connectTimeout: TIMEOUT_MS, tlsOptions });
    // ldap://: TLS options on the client would make it speak TLS at once; StartTLS upgrades first.
    const ldap = new Client({ url: endpoint.url, timeout: TIMEOUT_MS, connectTimeout: TIMEOUT_MS });
    if (endpoint.startTls) await ldap.startTLS(tlsOptions);
    return ldap;
  }

  /** Runs `fn` on a connection bound as the service account, always closing it. */
  async function asService<T>(endpoint: LdapEndpoint, fn: (ldap: Client) => Promise<T>): Promise<T> {
    let ldap: Client | null = null;
    try {
      ldap = await connect(endpoint);
      try {
        await ldap.bind(endpoint.bindDn, endpoint.bindPassword);
      } catch (error) {
        if (error instanceof InvalidCredentialsError) throw new SsoFailure("misconfigured", "LDAP: the service account's bind DN or password was refused by the directory");
        throw error;
      }
      return await fn(ldap);
    } catch (error) {
      throw failure(error);
    } finally {
      await ldap?.unbind().catch(() => undefined);
    }
  }

  function failure(error: unknown): SsoFailure {
    if (error instanceof SsoFailure) return error;
    if (isTlsError(error)) {
      logger.warn({ code: (error as { code?: string }).code }, "LDAP TLS handshake failed");
      return new SsoFailure("misconfigured", "LDAP: the directory's TLS certificate was not trusted (check the CA file and the host name in the URL)");
    }
    if (isNetworkError(error)) return new SsoFailure("provider_unreachable", "the directory could not be reached; try again, or ask the owner to check the LDAP settings");
    logger.warn({ error: (error as Error)?.name ?? "error" }, "LDAP request failed");
    return new SsoFailure("provider_error", "the directory refused the request; ask the owner to check the LDAP settings");
  }

  async function person(ldap: Client, endpoint: LdapEndpoint, entry: Entry): Promise<LdapPerson | null> {
    const uac = Number(strings(entry.userAccountControl)[0] ?? 0);
    if (uac & AD_ACCOUNTDISABLE) return null;
    const groups = new Set<string>();
    for (const dn of strings(entry.memberOf)) groups.add(dn);
    if (endpoint.groupBaseDn) {
      const filter = endpoint.groupFilter.replaceAll("{dn}", escapeFilterValue(entry.dn));
      const { searchEntries } = await ldap.search(endpoint.groupBaseDn, { scope: "sub", filter, attributes: ["cn"], sizeLimit: 500 });
      for (const group of searchEntries) groups.add(group.dn);
    }
    for (const dn of [...groups]) {
      const cn = firstRdnValue(dn);
      if (cn) groups.add(cn);
    }
    const attributes: Record<string, string | string[]> = {};
    for (const name of ["uid", "sAMAccountName", "userPrincipalName", "department", "title"]) {
      const values = strings(entry[name]);
      if (values.length > 0) attributes[name] = values.length === 1 ? values[0]! : values;
    }
    return {
      dn: entry.dn,
      email: strings(entry[endpoint.emailAttribute])[0] ?? null,
      name: strings(entry[endpoint.nameAttribute])[0] ?? null,
      groups: [...groups],
      attributes,
    };
  }

  const attributesOf = (endpoint: LdapEndpoint) => [endpoint.emailAttribute, endpoint.nameAttribute, "memberOf", "userAccountControl", "uid", "sAMAccountName", "userPrincipalName", "department", "title"];

  return {
    async ldapAuthenticate(endpoint: LdapEndpoint, login: string, password: string): Promise<LdapPerson | null> {
      // An empty password would be an unauthenticated bind, which directories accept: never try it.
      if (login.length === 0 || password.length === 0) return null;
      const found = await asService(endpoint, async (ldap) => {
        const filter = endpoint.userFilter.replaceAll("{login}", escapeFilterValue(login));
        let searchEntries: Entry[];
        try {
          ({ searchEntries } = await ldap.search(endpoint.baseDn, { scope: "sub", filter, attributes: attributesOf(endpoint), sizeLimit: 2 }));
        } catch (error) {
          if ((error as Error)?.name === "SizeLimitExceededError") return null;
          throw error;
        }
        // None, or more than one match (the login is ambiguous): no sign-in.
        if (searchEntries.length !== 1) return null;
        return await person(ldap, endpoint, searchEntries[0]!);
      });
      if (found === null) return null;
      let ldap: Client | null = null;
      try {
        ldap = await connect(endpoint);
        await ldap.bind(found.dn, password);
        return found;
      } catch (error) {
        if (error instanceof InvalidCredentialsError) return null;
        throw failure(error);
      } finally {
        await ldap?.unbind().catch(() => undefined);
      }
    },

    async ldapLookup(endpoint: LdapEndpoint, dn: string): Promise<LdapPerson | null> {
      return await asService(endpoint, async (ldap) => {
        try {
          const { searchEntries } = await ldap.search(dn, { scope: "base", filter: "(objectClass=*)", attributes: attributesOf(endpoint) });
          return searchEntries.length === 1 ? await person(ldap, endpoint, searchEntries[0]!) : null;
        } catch (error) {
          if ((error as Error)?.name === "NoSuchObjectError") return null;
          throw error;
        }
      });
    },
  };
}
