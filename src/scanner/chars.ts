// Character-class predicates on UTF-16 code units. Hand-written scanners use these instead of
// regexes so that every loop is visibly bounded.

export type CharTest = (c: number) => boolean;

export const isDigit: CharTest = (c) => c >= 48 && c <= 57;
export const isUpper: CharTest = (c) => c >= 65 && c <= 90;
export const isLower: CharTest = (c) => c >= 97 && c <= 122;
export const isAlpha: CharTest = (c) => isUpper(c) || isLower(c);
export const isAlnum: CharTest = (c) => isDigit(c) || isAlpha(c);
export const isWord: CharTest = (c) => isAlnum(c) || c === 95; // _
export const isUpperAlnum: CharTest = (c) => isDigit(c) || isUpper(c);
export const isHexLower: CharTest = (c) => isDigit(c) || (c >= 97 && c <= 102);
export const isHex: CharTest = (c) => isHexLower(c) || (c >= 65 && c <= 70);
/** base64url alphabet: A-Z a-z 0-9 - _ */
export const isBase64Url: CharTest = (c) => isWord(c) || c === 45;
/** standard base64 alphabet with padding: A-Z a-z 0-9 + / = */
export const isBase64: CharTest = (c) => isAlnum(c) || c === 43 || c === 47 || c === 61;
export const isSpace: CharTest = (c) => c === 32 || c === 9 || c === 10 || c === 13;

/** Code unit at `i`, or -1 outside the string (so predicates are simply false at the edges). */
export function at(text: string, i: number): number {
  return i >= 0 && i < text.length ? text.charCodeAt(i) : -1;
}

/** End of the run of `test` characters starting at `start`, reading at most `max + 1` characters. */
export function runEnd(text: string, start: number, test: CharTest, max: number): number {
  const limit = Math.min(text.length, start + max + 1);
  let i = start;
  while (i < limit && test(text.charCodeAt(i))) i++;
  return i;
}

/** Start of the run of `test` characters ending just before `end`, reading at most `max + 1` characters back. */
export function runStart(text: string, end: number, test: CharTest, max: number): number {
  const limit = Math.max(0, end - max - 1);
  let i = end;
  while (i > limit && test(text.charCodeAt(i - 1))) i--;
  return i;
}
