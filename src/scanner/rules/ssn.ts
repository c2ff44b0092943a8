// US Social Security numbers written AAA-GG-SSSS (or with spaces or dots), excluding numbers the SSA never
// issues: area 000, 666 or 900-999, group 00, serial 0000. Bare nine-digit runs are not matched.
import type { Rule } from "../rule.ts";

// Fixed-width pattern with one-character lookarounds: at most a constant amount of work per position.
// Written with dashes, spaces or dots, also after '/' or ':' ("hr/457-55-5462/w2.pdf").
const SSN = /(?<![\w.\-+]|\d[/:])(\d{3})([-. ])(\d{2})\2(\d{4})(?![\w\-]|\.\d)/g;

function issuable(area: string, group: string, serial: string): boolean {
  const a = Number(area);
  return a !== 0 && a !== 666 && a < 900 && group !== "00" && serial !== "0000";
}

export const ssnRule: Rule = {
  name: "us_ssn",
  kinds: ["us_ssn"],
  mayMatch: (text) => /\d{3}[-. ]\d\d[-. ]\d{4}/.test(text),
  find(text, emit) {
    for (const m of text.matchAll(SSN)) {
      if (issuable(m[1]!, m[3]!, m[4]!)) emit("us_ssn", m.index, m.index + m[0].length);
    }
  },
};
