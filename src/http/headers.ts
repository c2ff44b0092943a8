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

/** The host part of a Host header or an Origin URL, lower case, without port; null if unparsable. */
export function hostOf(value: string, isOrigin = false): string | null {
  try {
    const url = new URL(isOrigin ? value : `http://${value}`);
    return url.hostname.toLowerCase();
  } catch {
    return null;
  }
}
