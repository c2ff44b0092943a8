// JSON Web Tokens: three base64url segments whose first decodes to a JSON object with an "alg".
// Every JWT header starts with `{"` → base64url `eyJ`, which is the prefilter.
import { at, isBase64Url } from "../chars.ts";
import { decodeBase64 } from "../checks.ts";
import type { Rule } from "../rule.ts";

const MAX_HEADER = 1024;
const MAX_SEGMENT = 16384;
const utf8 = new TextDecoder();

function headerHasAlg(segment: string): boolean {
  if (segment.length > MAX_HEADER) return false;
  const bytes = decodeBase64(segment);
  if (bytes === null) return false;
  try {
    const header: unknown = JSON.parse(utf8.decode(bytes));
    return typeof header === "object" && header !== null && typeof (header as { alg?: unknown }).alg === "string";
  } catch {
    return false;
  }
}

export const jwtRule: Rule = {
  name: "jwt",
  kinds: ["jwt"],
  mayMatch: (text) => text.includes("eyJ"),
  find(text, emit) {
    let from = 0;
    for (let start = text.indexOf("eyJ"); start !== -1; start = text.indexOf("eyJ", from)) {
      from = start + 3;
      const before = at(text, start - 1);
      if (isBase64Url(before) || before === 46) continue;
      // Read the three dot-separated segments; each segment's run is read once, then skipped.
      let end = start;
      const dots: number[] = [];
      for (let segment = 0; segment < 3; segment++) {
        const segStart = end;
        while (end < text.length && end - segStart <= MAX_SEGMENT && isBase64Url(text.charCodeAt(end))) end++;
        if (segment < 2) {
          if (at(text, end) !== 46) break;
          dots.push(end);
          end++;
        }
      }
      from = Math.max(from, end);
      // A fourth segment means this is not a JWT; a period followed by a space ends a sentence.
      if (dots.length !== 2 || isBase64Url(at(text, end)) || (at(text, end) === 46 && isBase64Url(at(text, end + 1)))) continue;
      const payloadLength = dots[1]! - dots[0]! - 1;
      const signatureLength = end - dots[1]! - 1;
      if (payloadLength < 2 || signatureLength < 16) continue;
      if (!headerHasAlg(text.slice(start, dots[0]))) continue;
      emit("jwt", start, end);
    }
  },
};
