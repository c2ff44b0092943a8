/**
 * Security headers on every response. The CSP allows no inline script and nothing from another
 * origin: the web app works fully offline, and an injected `<script>` cannot run.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  "content-security-policy":
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; " +
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  "x-frame-options": "DENY",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "cross-origin-opener-policy": "same-origin",
  "cross-origin-resource-policy": "same-origin",
  "permissions-policy": "camera=(), microphone=(), geolocation=(), payment=()",
});

export const HSTS = "max-age=31536000";

/** Returns the response with the security headers set (copying it if its headers are immutable). */
export function withSecurityHeaders(response: Response, tls: boolean): Response {
  let out = response;
  try {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) out.headers.set(name, value);
  } catch {
    out = new Response(response.body, response);
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) out.headers.set(name, value);
  }
  if (tls) out.headers.set("strict-transport-security", HSTS);
  return out;
}

// host[:port] as RFC 9110 allows it in a Host header: a DNS name or IPv4 address (a trailing dot
// allowed), or a bracketed IPv6 literal; the port 1-65535. No user info, path, query or fragment:
// `a@127.0.0.1` must not pass as 127.0.0.1, and WHATWG URL parsing alone would let it.
const AUTHORITY = /^(?:[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?(?:\.[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?)*\.?|\[[0-9a-f:.]{2,45}\])(?::(\d{1,5}))?$/i;
const ORIGIN = /^[a-z][a-z0-9+.-]{0,30}:\/\/([^/?#]*)$/i;

/**
 * The host part of a Host header or an Origin, lower case, without port; null when the value is
 * not a well-formed authority (or origin). Never throws.
 */
export function hostOf(value: string, isOrigin = false): string | null {
  const authority = isOrigin ? ORIGIN.exec(value)?.[1] : value;
  if (authority === undefined || authority.length > 300) return null;
  const match = AUTHORITY.exec(authority);
  if (!match) return null;
  const port = match[1];
  if (port !== undefined && (Number(port) < 1 || Number(port) > 65535)) return null;
  try {
    // The URL parser normalises what the pattern admits (IPv6 spelling, numeric IPv4 forms).
    return new URL(`http://${authority}`).hostname.toLowerCase();
  } catch {
    return null;
  }
}
