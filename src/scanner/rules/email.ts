// Email addresses: a local part and a domain with at least two labels and an alphabetic TLD.
// Found by expanding around each '@' within RFC 5321 length limits (64 / 253), so each '@' costs
// a bounded amount of work.
import { at, isAlnum, isAlpha, runEnd, runStart, type CharTest } from "../chars.ts";
import type { Rule } from "../rule.ts";

const isLocalChar: CharTest = (c) => isAlnum(c) || c === 46 || c === 95 || c === 37 || c === 43 || c === 45; // . _ % + -
const isDomainChar: CharTest = (c) => isAlnum(c) || c === 46 || c === 45;

/** Length of the valid domain starting at `start` (labels of 1-63 alnum/hyphen, alphabetic TLD ≥ 2), or 0. */
function domainLength(text: string, start: number, end: number): number {
  // Trailing dots and hyphens belong to the sentence, not the domain.
  while (end > start && (at(text, end - 1) === 46 || at(text, end - 1) === 45)) end--;
  let labels = 0;
  let labelStart = start;
  let tldStart = start;
  for (let i = start; i <= end; i++) {
    if (i === end || text.charCodeAt(i) === 46) {
      const len = i - labelStart;
      if (len < 1 || len > 63 || at(text, labelStart) === 45 || at(text, i - 1) === 45) return 0;
      labels++;
      tldStart = labelStart;
      labelStart = i + 1;
    }
  }
  if (labels < 2 || end - tldStart < 2) return 0;
  for (let i = tldStart; i < end; i++) if (!isAlpha(text.charCodeAt(i))) return 0;
  return end - start;
}

// Extensions that are not top-level domains, and "@2x"-style image density suffixes.
const FILE_EXTENSIONS = new Set(["png", "jpg", "jpeg", "gif", "svg", "webp", "ico", "avif", "ts", "tsx", "js", "jsx", "mjs", "cjs", "json", "css", "scss", "yaml", "yml", "lock", "map", "txt", "html", "pdf", "woff", "woff2", "ttf"]);

function isFileName(text: string, domainStart: number, end: number): boolean {
  const tld = text.slice(text.lastIndexOf(".", end - 1) + 1, end).toLowerCase();
  return FILE_EXTENSIONS.has(tld) || /^\d(?:\.\d)?x\./.test(text.slice(domainStart, domainStart + 5));
}

const isUserinfoChar: CharTest = (c) => c > 32 && c !== 47 && c !== 64 && c !== 63 && c !== 35;

/** True when the local part starting at `start` follows "//" directly, or "//user:" (bounded look-back). */
function inUrlUserinfo(text: string, start: number): boolean {
  let i = start;
  if (at(text, i - 1) === 58) i = runStart(text, i - 1, isUserinfoChar, 256);
  return at(text, i - 1) === 47 && at(text, i - 2) === 47;
}

export const emailRule: Rule = {
  name: "email",
  kinds: ["email"],
  mayMatch: (text) => text.includes("@"),
  find(text, emit) {
    for (let atSign = text.indexOf("@"); atSign !== -1; atSign = text.indexOf("@", atSign + 1)) {
      let start = runStart(text, atSign, isLocalChar, 64);
      if (atSign - start > 64) continue;
      while (start < atSign && at(text, start) === 46) start++;
      if (start === atSign || at(text, atSign - 1) === 46) continue;
      // "scheme://user@host" and "scheme://user:pass@host" are URL userinfo (url-credentials reports
      // passwords); an address after any other '/' or ':' ("uploads/ana@example.com/a.png",
      // "contact:ana@example.com") is still an address.
      if (inUrlUserinfo(text, start)) continue;
      const domainEnd = runEnd(text, atSign + 1, isDomainChar, 253);
      if (domainEnd - atSign - 1 > 253) continue;
      const len = domainLength(text, atSign + 1, domainEnd);
      if (len === 0) continue;
      const end = atSign + 1 + len;
      // "hero@2x.png", "logo@3x.webp", "icons/add@2x.svg" are image variants, not mailboxes.
      if (isFileName(text, atSign + 1, end)) continue;
      // "git@github.com:org/repo.git" is an SSH remote, not a mailbox.
      if (at(text, end) === 58 && text.slice(start, atSign) === "git") continue;
      emit("email", start, end);
    }
  },
};
