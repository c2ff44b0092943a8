// Private key material. `private_key` covers:
// - a PEM / OpenSSH / PGP block, `-----BEGIN [LABEL ]PRIVATE KEY[ BLOCK]-----` through its END line,
//   or to the end of the text when the block was cut off (log tails are truncated). The label is
//   matched in any case and with four or five dashes. The header alone is enough: it only ever
//   precedes a key.
// - an END line without its BEGIN (a tail that starts inside the key): from the first line of the
//   base64 body above it, partial first line included, through the END line.
// - bare key bodies (`privateKeyBodyRule`): two or more consecutive lines that are each exactly
//   64 (PEM), 70 (OpenSSH) or 76 base64 characters of mixed case and digits, with the partial lines
//   around them, unless a visible BEGIN/END line says it is a certificate or a public key.
import { at, isAlnum, isDigit, isLower, isUpper, type CharTest } from "../chars.ts";
import type { Rule } from "../rule.ts";

// Bounded words and dashes: constant work per start position, nothing to backtrack over.
const HEADER = /-{4,5} ?BEGIN (?:[A-Z0-9]{1,20} ){0,4}PRIVATE KEY(?: BLOCK)? ?-{4,5}/gi;
const FOOTER = /-{4,5} ?END (?:[A-Z0-9]{1,20} ){0,4}PRIVATE KEY(?: BLOCK)? ?-{4,5}/gi;
const MAX_BODY_LINE = 80;

const isBodyChar: CharTest = (c) => isAlnum(c) || c === 43 || c === 47 || c === 61 || c === 13; // + / = and a CR of CRLF

/** Start of the run of base64-only lines that ends just before `end` (a line start), not before `floor`. */
function bodyStartBefore(text: string, end: number, floor: number): number {
  let start = end;
  // Each line is read once, backwards; a line that is not all base64 (or too long) ends the body.
  while (start > floor) {
    let lineEnd = start;
    if (at(text, lineEnd - 1) === 10) lineEnd--;
    else if (start !== end) break;
    let i = lineEnd;
    while (i > floor && lineEnd - i <= MAX_BODY_LINE && isBodyChar(text.charCodeAt(i - 1))) i--;
    if (i === lineEnd || lineEnd - i > MAX_BODY_LINE || (i > floor && at(text, i - 1) !== 10)) {
      // Not a whole body line; a partial first line of the text (the tail starts in it) still is.
      if (i === floor && i < lineEnd && lineEnd - i <= MAX_BODY_LINE) start = i;
      break;
    }
    start = i;
  }
  return start;
}

function execAt(re: RegExp, text: string, from: number): RegExpExecArray | null {
  re.lastIndex = from;
  return re.exec(text);
}

export const privateKeyRule: Rule = {
  name: "private_key",
  kinds: ["private_key"],
  mayMatch: (text) => /private key/i.test(text),
  find(text, emit) {
    let from = 0;
    // Each search result is kept until `from` passes it, and a search that found nothing is not
    // repeated: every character is searched over a bounded number of times.
    let header: RegExpExecArray | null | undefined;
    let footer: RegExpExecArray | null | undefined;
    while (from < text.length) {
      if (header === undefined || (header !== null && header.index < from)) header = execAt(HEADER, text, from);
      if (footer === undefined || (footer !== null && footer.index < from)) footer = execAt(FOOTER, text, from);
      if (footer !== null && (header === null || footer.index < header.index)) {
        // An END line without its BEGIN: the body above it is the key.
        const start = bodyStartBefore(text, footer.index, from);
        emit("private_key", start, footer.index + footer[0].length);
        from = footer.index + footer[0].length;
        continue;
      }
      if (header === null) return;
      const bodyStart = header.index + header[0].length;
      const end = footer !== null && footer.index >= bodyStart ? footer : execAt(FOOTER, text, bodyStart);
      if (end === null) {
        emit("private_key", header.index, text.length);
        return;
      }
      emit("private_key", header.index, end.index + end[0].length);
      from = end.index + end[0].length;
    }
  },
};

const BODY_WIDTHS = new Set([64, 70, 76]);

/** Whether text[start, end) is one full-width body line: base64, of a PEM/OpenSSH width, with upper, lower and digits. */
function isFullBodyLine(text: string, start: number, end: number): boolean {
  if (at(text, end - 1) === 13) end--;
  if (!BODY_WIDTHS.has(end - start)) return false;
  let upper = false;
  let lower = false;
  let digit = false;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (isUpper(c)) upper = true;
    else if (isLower(c)) lower = true;
    else if (isDigit(c)) digit = true;
    else if (c !== 43 && c !== 47 && !(c === 61 && i >= end - 2)) return false;
  }
  return upper && lower && digit;
}

/** Whether text[start, end) is a (partial) body line: 1-80 base64 characters. */
function isPartialBodyLine(text: string, start: number, end: number): boolean {
  if (end <= start || end - start > MAX_BODY_LINE + 1) return false;
  for (let i = start; i < end; i++) if (!isBodyChar(text.charCodeAt(i))) return false;
  return true;
}

/** True when the line [start, end) is a BEGIN/END line of something that is not a private key (a certificate, a public key). */
function isOtherPemLine(text: string, start: number, end: number): boolean {
  const line = text.slice(start, Math.min(end, start + 100));
  return /^-{4,5} ?(?:BEGIN|END) /i.test(line) && !/PRIVATE KEY/i.test(line);
}

export const privateKeyBodyRule: Rule = {
  name: "private_key_body",
  kinds: ["private_key"],
  // Two full-width lines and a newline at least.
  mayMatch: (text) => text.length >= 129 && text.includes("\n"),
  find(text, emit) {
    // Lines as [start, end) pairs, walked once; a run of full-width lines is collected as it goes.
    let runStart = -1; // start of the first full line of the current run
    let runLines = 0;
    let prevStart = -1; // the line before the run's first line
    let prevEnd = -1;
    let lastStart = -1;
    let lastEnd = -1;
    const flush = (nextStart: number, nextEnd: number) => {
      if (runLines >= 2) {
        let start = runStart;
        let end = lastEnd;
        if (prevStart !== -1 && isPartialBodyLine(text, prevStart, prevEnd)) start = prevStart;
        if (nextStart !== -1 && isPartialBodyLine(text, nextStart, nextEnd)) end = nextEnd;
        const before = start === prevStart ? -1 : prevStart;
        const otherBefore = before !== -1 && isOtherPemLine(text, prevStart, prevEnd);
        const otherAfter = nextStart !== -1 && end !== nextEnd && isOtherPemLine(text, nextStart, nextEnd);
        if (!otherBefore && !otherAfter) emit("private_key", start, at(text, end - 1) === 13 ? end - 1 : end);
      }
      runLines = 0;
      runStart = -1;
    };
    let lineStart = 0;
    while (lineStart <= text.length) {
      let lineEnd = text.indexOf("\n", lineStart);
      if (lineEnd === -1) lineEnd = text.length;
      if (isFullBodyLine(text, lineStart, lineEnd)) {
        if (runLines === 0) {
          runStart = lineStart;
          prevStart = lastStart;
          prevEnd = lastEnd;
        }
        runLines++;
      } else if (runLines > 0) {
        flush(lineStart, lineEnd);
      }
      lastStart = lineStart;
      lastEnd = lineEnd;
      lineStart = lineEnd + 1;
    }
    if (runLines > 0) flush(-1, -1);
  },
};
