// Which OpenID issuer URLs Railyard accepts. Pure (no I/O): used by config.ts for the flags and by
// the Settings verb, so both refuse the same things with the same words.

const LOOPBACK = /^(127(?:\.\d{1,3}){3}|localhost|\[::1\])$/i;

/** Why `raw` cannot be an issuer URL (one clause), or null when it can. */
export function issuerProblem(raw: string): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return `"${raw.slice(0, 200)}" is not a URL (for example https://keycloak.example.internal/realms/team)`;
  }
  if (url.username || url.password) return "the issuer URL must not contain credentials";
  if (url.search || url.hash) return "the issuer URL has no query or fragment";
  if (url.protocol === "https:") return null;
  if (url.protocol === "http:") {
    return LOOPBACK.test(url.hostname) ? null : `an http:// issuer is accepted only on a loopback address (127.0.0.1, localhost, [::1]); use https:// for ${url.hostname}`;
  }
  return "the issuer URL must start with https://";
}

/** Why `raw` cannot be a redirect URL, or null. */
export function redirectUrlProblem(raw: string): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return `"${raw.slice(0, 200)}" is not a URL (for example https://railyard.example.internal/api/auth/oidc/callback)`;
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return "the redirect URL must start with https:// or http://";
  if (url.username || url.password || url.hash) return "the redirect URL must not contain credentials or a fragment";
  if (url.pathname !== "/api/auth/oidc/callback") return "the redirect URL's path must be /api/auth/oidc/callback";
  return null;
}

/** The issuer as compared with the `iss` claim: no trailing slash added or removed by Railyard. */
export function isLoopbackHttp(raw: string): boolean {
  const url = new URL(raw);
  return url.protocol === "http:" && LOOPBACK.test(url.hostname);
}
