import { isIP } from "node:net";

/**
 * Whether an IP address is loopback, link-local or unspecified: the addresses that reach the
 * server itself or its cloud metadata service (169.254.169.254), which a notification channel may
 * only reach with the owner's explicit permission. IPv4-mapped IPv6 is unwrapped first.
 */
export function isLoopbackOrLinkLocal(address: string): boolean {
  let ip = address.trim().toLowerCase().replace(/^\[|\]$/g, "");
  const zone = ip.indexOf("%");
  if (zone >= 0) ip = ip.slice(0, zone);
  if (isIP(ip) === 6) {
    const g = expandIpv6(ip);
    // IPv4-mapped (::ffff:a.b.c.d, however it is written): judge the IPv4 address.
    if (g.slice(0, 5).every((x) => x === 0) && g[5] === 0xffff) ip = `${g[6]! >> 8}.${g[6]! & 255}.${g[7]! >> 8}.${g[7]! & 255}`;
  }
  const version = isIP(ip);
  if (version === 4) {
    const [a, b] = ip.split(".").map(Number) as [number, number];
    return a === 127 || a === 0 || (a === 169 && b === 254);
  }
  if (version === 6) {
    const groups = expandIpv6(ip);
    if (groups.every((g) => g === 0)) return true; // ::
    if (groups.slice(0, 7).every((g) => g === 0) && groups[7] === 1) return true; // ::1
    return (groups[0]! & 0xffc0) === 0xfe80; // fe80::/10
  }
  return false;
}

/** Whether a URL or SMTP host names the local machine by name or literal address (checked before any lookup). */
export function isLocalHostName(host: string): boolean {
  const h = host.trim().toLowerCase().replace(/^\[|\]$/g, "").replace(/\.$/, "");
  return h === "localhost" || h.endsWith(".localhost") || isLoopbackOrLinkLocal(h);
}

function expandIpv6(ip: string): number[] {
  let text = ip;
  // A trailing dotted IPv4 part becomes two groups.
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const [a, b, c, d] = v4[1]!.split(".").map(Number) as [number, number, number, number];
    text = text.slice(0, -v4[1]!.length) + `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.includes("::") ? text.split("::") as [string, string] : [text, null];
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  const fill = tail === null ? [] : new Array(8 - left.length - right.length).fill("0");
  return [...left, ...fill, ...right].map((g) => parseInt(g || "0", 16));
}
