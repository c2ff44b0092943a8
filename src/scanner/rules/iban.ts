// IBANs: country code, two check digits and the country's fixed-length BBAN, written compact or in
// groups of four, in upper or lower case; the ISO 13616 mod-97 checksum must verify.
import { at, isAlnum, isDigit, isLower, isUpper, isUpperAlnum, runEnd, type CharTest } from "../chars.ts";
import { ibanChecksumValid } from "../checks.ts";
import type { Rule } from "../rule.ts";

// Total IBAN lengths from the SWIFT IBAN registry.
const IBAN_LENGTHS: Readonly<Record<string, number>> = {
  AD: 24, AE: 23, AL: 28, AT: 20, AZ: 28, BA: 20, BE: 16, BG: 22, BH: 22, BI: 27, BR: 29, BY: 28,
  CH: 21, CR: 22, CY: 28, CZ: 24, DE: 22, DJ: 27, DK: 18, DO: 28, EE: 20, EG: 29, ES: 24, FI: 18,
  FK: 18, FO: 18, FR: 27, GB: 22, GE: 22, GI: 23, GL: 18, GR: 27, GT: 28, HN: 28, HR: 21, HU: 28,
  IE: 22, IL: 23, IQ: 23, IS: 26, IT: 27, JO: 30, KW: 30, KZ: 20, LB: 28, LC: 32, LI: 21, LT: 20,
  LU: 20, LV: 21, LY: 25, MC: 27, MD: 24, ME: 22, MK: 19, MN: 20, MR: 27, MT: 31, MU: 30, NI: 28,
  NL: 18, NO: 15, OM: 23, PK: 24, PL: 28, PS: 29, PT: 25, QA: 29, RO: 24, RS: 22, RU: 33, SA: 24,
  SC: 31, SD: 18, SE: 24, SI: 19, SK: 24, SM: 27, SO: 23, ST: 25, SV: 28, TL: 23, TN: 24, TR: 26,
  UA: 29, VA: 22, VG: 24, XK: 20, YE: 30,
};

const isLowerAlnum: CharTest = (c) => isDigit(c) || isLower(c);
const isHexDigitOrLower: CharTest = (c) => isDigit(c) || (c >= 97 && c <= 102);

/** Reads an IBAN of `length` characters starting at `i`, compact or in groups of four: [end, compact] or null. */
function readIban(text: string, i: number, length: number, isChar: CharTest): [number, string] | null {
  let compact = "";
  let j = i;
  if (at(text, i + 4) !== 32) {
    j = runEnd(text, i, isChar, length);
    compact = text.slice(i, j);
  } else {
    while (compact.length < length) {
      const groupEnd = runEnd(text, j, isChar, 4);
      if (groupEnd === j || groupEnd - j > 4) break;
      compact += text.slice(j, groupEnd);
      j = groupEnd;
      if (compact.length === length) break;
      if (compact.length % 4 !== 0 || at(text, j) !== 32) break;
      j++;
    }
  }
  return compact.length === length && !isAlnum(at(text, j)) ? [j, compact] : null;
}

export const ibanRule: Rule = {
  name: "iban",
  kinds: ["iban"],
  mayMatch: (text) => /[A-Za-z]{2}\d\d/.test(text),
  find(text, emit) {
    for (let i = 0; i + 4 <= text.length; i++) {
      const c = text.charCodeAt(i);
      // Upper case ("DE89 3704 …") or, written by hand, lower case ("de89 3704 …"); not mixed.
      const lower = isLower(c);
      if (!(lower ? isLower(at(text, i + 1)) : isUpper(c) && isUpper(at(text, i + 1))) || isAlnum(at(text, i - 1))) continue;
      if (!isDigit(at(text, i + 2)) || !isDigit(at(text, i + 3))) continue;
      const length = IBAN_LENGTHS[lower ? text.slice(i, i + 2).toUpperCase() : text.slice(i, i + 2)];
      if (length === undefined) continue;
      const read = readIban(text, i, length, lower ? isLowerAlnum : isUpperAlnum);
      if (read === null) continue;
      const [j, compact] = read;
      // A lowercase hex id ("ad12…", "de89…") can pass mod-97 by chance (1 in 97): in lower case an
      // all-hex candidate must have an all-digit BBAN, as German, Belgian or Spanish IBANs do.
      if (lower && runEnd(compact, 0, isHexDigitOrLower, length) === length && runEnd(compact, 2, isDigit, length) !== length) continue;
      if (!ibanChecksumValid(lower ? compact.toUpperCase() : compact)) continue;
      emit("iban", i, j);
      i = j - 1;
    }
  },
};
