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
      const before = at(text, start - 1);
      // "user:pass@host" and "scheme://user@host" are URL userinfo, handled by url-credentials.
      if (before === 47 || (before === 58 && !text.startsWith("mailto", start - 7))) continue;
      const domainEnd = runEnd(text, atSign + 1, isDomainChar, 253);
      if (domainEnd - atSign - 1 > 253) continue;
      const len = domainLength(text, atSign + 1, domainEnd);
      if (len === 0) continue;
      const end = atSign + 1 + len;
      // "git@github.com:org/repo.git" is an SSH remote, not a mailbox.
      if (at(text, end) === 58 && text.slice(start, atSign) === "git") continue;
      emit("email", start, end);
    }
  },
};
