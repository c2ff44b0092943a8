// PEM / OpenSSH / PGP private key blocks: `-----BEGIN [LABEL ]PRIVATE KEY[ BLOCK]-----`. The finding
// covers the whole block through its END line, or to the end of the text when the block was cut
// off (log tails are truncated). The header alone is enough: it only ever precedes a key.
import { at, isUpper, type CharTest } from "../chars.ts";
import type { Rule } from "../rule.ts";

const BEGIN = "-----BEGIN ";
const MAX_LABEL = 40;
const isLabelChar: CharTest = (c) => isUpper(c) || c === 32 || (c >= 48 && c <= 57);

/** End of a private-key header that starts at `start` (at "-----BEGIN "), or -1. */
function headerEnd(text: string, start: number): number {
  const labelStart = start + BEGIN.length;
  let i = labelStart;
  while (i < text.length && i - labelStart <= MAX_LABEL && isLabelChar(text.charCodeAt(i))) i++;
  if (!text.startsWith("-----", i)) return -1;
  const label = text.slice(labelStart, i);
  if (!label.endsWith("PRIVATE KEY") && !label.endsWith("PRIVATE KEY BLOCK")) return -1;
  return i + 5;
}

export const privateKeyRule: Rule = {
  name: "private_key",
  kinds: ["private_key"],
  mayMatch: (text) => text.includes("PRIVATE KEY"),
  find(text, emit) {
    let from = 0;
    while (from < text.length) {
      const start = text.indexOf(BEGIN, from);
      if (start === -1) return;
      const header = headerEnd(text, start);
      if (header === -1) {
        from = start + 1;
        continue;
      }
      // One forward search per block: if no END follows, the block runs to the end of the text.
      const endMarker = text.indexOf("-----END ", header);
      if (endMarker === -1) {
        emit("private_key", start, text.length);
        return;
      }
      let end = endMarker + 9;
      while (end < text.length && end - endMarker <= MAX_LABEL + 9 && at(text, end) !== 45) end++;
      while (end < text.length && at(text, end) === 45 && end - endMarker <= MAX_LABEL + 14) end++;
      emit("private_key", start, end);
      from = end;
    }
  },
};
