// IP addresses. IPv4: a dotted quad, each octet 0-255 without leading zeros. IPv6: full or
// `::`-compressed hex groups, validated by structure.
//
// Policy: loopback (127.0.0.0/8, ::1), unspecified (0.0.0.0, ::) and broadcast (255.255.255.255)
// are not reported: they identify no host or person and fill every server log. Private ranges
// (10/8, 172.16/12, 192.168/16, fc00::/7) ARE reported: on an on-premise network they map the
// internal topology, which is what the scanner exists to keep out of shared metadata.
// Version-like quads are skipped: preceded by `v`, `@` or a word such as "version"/"release", or
// continued by another `.digit` or a `-pre`/`+build` suffix.
import { at, isAlnum } from "../chars.ts";
import type { Rule } from "../rule.ts";

const OCTET = "(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)";
const IPV4 = new RegExp(`(?<![\\w.@\\-])${OCTET}\\.${OCTET}\\.${OCTET}\\.${OCTET}(?![\\w]|\\.\\d|[-+][0-9A-Za-z])`, "g");
// Candidate runs of hex digits and colons; structure is checked by hand. Each repetition begins
// with ':', so there is only one way to match and nothing to backtrack over.
const IPV6 = /(?<![\w:.])[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}(?![\w:]|\.\d)/g;
const VERSION_WORDS = /\b(?:version|ver|release|build|tag|bump|upgrade|tls|ssl)[\s:=]*$/i;

function reportableV4(quad: string): boolean {
  return !quad.startsWith("127.") && quad !== "0.0.0.0" && quad !== "255.255.255.255";
}

/** True when `s` is a valid IPv6 address other than `::` and `::1`, with at least 3 groups if compressed. */
function validV6(s: string): boolean {
  const halves = s.split("::");
  if (halves.length > 2) return false;
  const groups = halves.flatMap((h) => (h === "" ? [] : h.split(":")));
  if (groups.some((g) => g.length === 0 || g.length > 4)) return false;
  if (halves.length === 1) return groups.length === 8;
  if (groups.length > 7) return false;
  // "a::b" shapes are as likely to be C++/Rust paths as addresses; require a real-looking prefix.
  if (groups.length < 2) return false;
  return groups.length >= 3 || groups[0]!.length >= 3;
}

export const ipAddressRule: Rule = {
  name: "ip_address",
  kinds: ["ipv4", "ipv6"],
  mayMatch: (text) => text.includes(".") || text.includes(":"),
  find(text, emit) {
    if (text.includes(".")) {
      for (const m of text.matchAll(IPV4)) {
        if (!reportableV4(m[0])) continue;
        if (VERSION_WORDS.test(text.slice(Math.max(0, m.index - 12), m.index))) continue;
        emit("ipv4", m.index, m.index + m[0].length);
      }
    }
    if (text.includes(":")) {
      for (const m of text.matchAll(IPV6)) {
        if (validV6(m[0]) && isAlnum(at(text, m.index + m[0].length)) === false) emit("ipv6", m.index, m.index + m[0].length);
      }
    }
  },
};
