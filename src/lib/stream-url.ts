// Audit-stream destination addresses (DESIGN.md §12), checked the same way for flags and the API.

export type StreamKind = "syslog" | "otlp";

export interface StreamAddress {
  readonly kind: StreamKind;
  /** The address as stored: tcp://host:port, tls://host:port, or an http(s) URL (OTLP path defaulted). */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly tls: boolean;
}

/** The OTLP/HTTP logs path (used when the URL names only the collector, as in http://collector:4318). */
export const OTLP_LOGS_PATH = "/v1/logs";

/**
 * Parses a destination address, or returns why it is not one (a sentence without the value, so a
 * token pasted by mistake is never echoed). Syslog needs an explicit port; credentials, query
 * strings and fragments are refused (secrets do not belong in a URL that Settings shows).
 */
export function parseStreamUrl(raw: string): StreamAddress | { readonly error: string } {
  if (raw.length > 500 || /[\s\u0000-\u001f]/.test(raw)) return { error: "the address must be one line of at most 500 characters" };
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { error: "not an address: use tcp://host:port or tls://host:port (syslog), http(s)://collector:4318 (OTLP)" };
  }
  if (url.username || url.password) return { error: "the address must not contain credentials" };
  if (url.search || url.hash) return { error: "the address must not have a query string or fragment" };
  const scheme = url.protocol.slice(0, -1);
  if (scheme === "tcp" || scheme === "tls") {
    // Non-special schemes keep the host in url.hostname only when written as //host:port.
    if (!url.hostname || url.port === "") return { error: `a syslog address needs a host and a port (${scheme}://host:port)` };
    if (url.pathname !== "" && url.pathname !== "/") return { error: "a syslog address has no path" };
    const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
    return { kind: "syslog", url: `${scheme}://${url.host}`, host, port: Number(url.port), tls: scheme === "tls" };
  }
  if (scheme === "http" || scheme === "https") {
    if (!url.hostname) return { error: "an OTLP address needs a host" };
    const path = url.pathname === "" || url.pathname === "/" ? OTLP_LOGS_PATH : url.pathname;
    const port = url.port !== "" ? Number(url.port) : scheme === "https" ? 443 : 80;
    return { kind: "otlp", url: `${url.origin}${path}`, host: url.hostname.replace(/^\[(.*)\]$/, "$1"), port, tls: scheme === "https" };
  }
  return { error: "the address must start with tcp:// or tls:// (syslog) or http:// or https:// (OTLP)" };
}

/** Whether `text` looks like one or more PEM certificates (a CA bundle). */
export function looksLikePemCertificates(text: string): boolean {
  return /^\s*(-----BEGIN CERTIFICATE-----\r?\n[A-Za-z0-9+/=\r\n]+-----END CERTIFICATE-----\s*)+$/.test(text);
}
