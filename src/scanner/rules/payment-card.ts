// Payment card numbers: 13-19 digits, written plain or in the usual groups (4-4-4-4[-3], 4-6-5,
// 4-6-4) with one consistent separator (space, '-' or '.'), a known issuer prefix, and a valid Luhn check digit.
import { at, isAlnum, isDigit } from "../chars.ts";
import { luhnValid } from "../checks.ts";
import type { Rule } from "../rule.ts";

const GROUPINGS = new Set(["4-4-4-4", "4-4-4-4-3", "4-4-4-1", "4-4-4-2", "4-4-4-3", "4-4-4-4-1", "4-4-4-4-2", "4-6-5", "4-6-4"]);

/** Issuer identification: Visa, Mastercard, Amex, Discover, JCB, Diners, UnionPay, Maestro. */
function knownIssuer(d: string): boolean {
  const two = Number(d.slice(0, 2));
  const four = Number(d.slice(0, 4));
  const three = Number(d.slice(0, 3));
  const six = Number(d.slice(0, 6));
  const n = d.length;
  if (d[0] === "4") return n === 13 || n === 16 || n === 19;
  if ((two >= 51 && two <= 55) || (four >= 2221 && four <= 2720)) return n === 16;
  if (two === 34 || two === 37) return n === 15;
  if (four === 6011 || two === 65 || (three >= 644 && three <= 649) || (six >= 622126 && six <= 622925)) return n >= 16;
  if (four >= 3528 && four <= 3589) return n >= 16;
  if (two === 36 || two === 38 || two === 39 || (three >= 300 && three <= 305)) return n >= 14;
  if (two === 62) return n >= 16;
  if (two === 50 || (two >= 56 && two <= 58) || d[0] === "6") return n >= 12;
  return false;
}

export const paymentCardRule: Rule = {
  name: "payment_card",
  kinds: ["payment_card"],
  mayMatch: (text) => /\d{4}[ .-]?\d{4}/.test(text),
  find(text, emit) {
    for (let i = 0; i < text.length; i++) {
      if (!isDigit(text.charCodeAt(i))) continue;
      const before = at(text, i - 1);
      // After '/' or ':' is still a card ("receipts/4111111111111111.pdf"); after a word, '.', '-' or '+' it is part of an id.
      if (isAlnum(before) || before === 95 || before === 46 || before === 45 || before === 43) continue;
      if ((before === 47 || before === 58) && isDigit(at(text, i - 2))) continue; // "1/…", "12:…": a ratio or a time
      let digits = "";
      let groups = "";
      let groupLen = 0;
      let sep = -1;
      let j = i;
      // At most 19 digits and 4 separators: bounded work per start.
      while (j < text.length && digits.length <= 19) {
        const c = text.charCodeAt(j);
        if (isDigit(c)) {
          digits += text[j];
          groupLen++;
          j++;
        } else if ((c === 32 || c === 45 || c === 46) && (sep === -1 || sep === c) && isDigit(at(text, j + 1)) && groupLen > 0) {
          sep = c;
          groups += groupLen + "-";
          groupLen = 0;
          j++;
        } else break;
      }
      groups += groupLen;
      const after = at(text, j);
      const skipTo = j - 1;
      if (digits.length < 13 || digits.length > 19 || isAlnum(after) || after === 95) {
        i = skipTo;
        continue;
      }
      if ((after === 46 || after === 45) && isDigit(at(text, j + 1))) {
        i = skipTo;
        continue;
      }
      if (sep !== -1 && !GROUPINGS.has(groups)) {
        i = skipTo;
        continue;
      }
      if (knownIssuer(digits) && luhnValid(digits)) emit("payment_card", i, j);
      i = skipTo;
    }
  },
};
