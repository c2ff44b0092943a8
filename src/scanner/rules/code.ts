// Rule 2 by shape (DESIGN.md section 6): metadata fields carry metadata, never source code, diffs
// or prompts. `code` is reported for
// - a unified diff: a hunk header `@@ -1,2 +1,2 @@`, a `diff --git` line, or `--- a/…` / `+++ b/…`
//   file lines, at the start of a line; the finding runs to the end of the diff's lines;
// - a fenced code block: a line that starts with ``` or ~~~, through its closing fence;
// - several lines of code: three or more consecutive code-like lines (statements ending in `;`,
//   `{` or `}`, lines opening with `function`, `def`, `import`, `const`, `class`, `return`, …,
//   arrows, assignments, calls); blank, comment and indented expression lines neither count nor break the run;
// - a prompt (`promptRule`): chat-template markers (`<|im_start|>`, `[INST]`, `<<SYS>>`,
//   `<system>`), "ignore previous instructions", "you are a … assistant", or two or more
//   `System:` / `User:` / `Assistant:` / `Human:` turns; the finding runs from that line to the end.
// Prose that mentions code inline (`parseConfig()` in backticks, one `const x = 1;` line) passes.
import type { Rule } from "../rule.ts";

// Diff lines at a line start: hunk headers, git headers and the ---/+++ file lines.
const DIFF_START = /^(?:@@ -\d{1,9}(?:,\d{1,9})? \+\d{1,9}(?:,\d{1,9})? @@|diff --git \S|--- a\/\S|\+\+\+ b\/\S|--- \/dev\/null$|\+\+\+ \/dev\/null$)/;
// Lines that continue a diff: context, additions, removals, headers, "\ No newline".
const DIFF_LINE = /^(?:[ +\-\\]|@@ |diff |index [0-9a-f]|new file mode|deleted file mode|similarity index|rename (?:from|to) |$)/;
const FENCE = /^ {0,3}(?:```|~~~)/;

const KEYWORDS =
  /^(?:import|export|from|const|let|var|val|function|def|class|return|if|elif|else|for|while|switch|case|try|catch|except|finally|public|private|protected|static|package|using|namespace|fn|func|impl|struct|enum|interface|async|await|yield|throw|raise|lambda|module\.exports|#include|#define|#!\/)(?=[\s(:{<]|$)/;
const CODE_PUNCTUATION = /[;{}()=[\]<>:]/;
const CODE_LINE_PATTERNS: readonly RegExp[] = [
  // Ends like a statement or a block: `;`, `{`, `}`, `},`, `);`, with code punctuation before it.
  /[;{}][,;]?$/,
  // Arrow functions and lambdas.
  /=>/,
  // Assignment: `x = 1`, `self.y += z`, `a[0] = b`, `const { a } = b` handled by KEYWORDS.
  /^[A-Za-z_$][\w$.]{0,60}(?:\[[^\]]{0,40}\])?\s?(?:[-+*/%|&^]|\*\*|\/\/|<<|>>|\?\?)?=\s?[^=\s]/,
  // A call statement: `foo(bar)`, `logger.info("x")`, `run()`.
  /^[A-Za-z_$][\w$.]{0,60}\(.{0,200}\)[;,]?$/,
];
const NEUTRAL = /^(?:$|\/\/|\/\*|\*|#(?!include|define|!)|--\s)/;

/** Whether a trimmed line looks like a line of source code. */
function isCodeLine(t: string): boolean {
  if (KEYWORDS.test(t)) {
    // "return early" / "import the data" are prose: a keyword line needs code punctuation, or to be a bare statement.
    return CODE_PUNCTUATION.test(t) || /^(?:return|import|from|raise|yield|await|throw)\s[\w$.'"]+(?:\s(?:import|as)\s[\w$.,\s]+)?$/.test(t) && !/\s(?:the|a|an|to|and|of|it|this|that)\s/.test(` ${t} `);
  }
  if (t.length < 2) return /^[{}()[\]]$/.test(t);
  // Prose sentences end with a period or contain several words without any code punctuation.
  if (!CODE_PUNCTUATION.test(t)) return false;
  return CODE_LINE_PATTERNS.some((p) => p.test(t)) && !/^[-*•] [A-Z][a-z]+ [a-z]+ [a-z]+/.test(t);
}

/**
 * An indented line without two adjacent words (`    y + 1`, `\t\tx`): the body of a block, which
 * neither counts nor breaks a run. An indented line of prose (`  File "a.py", line 3, in f`) breaks it.
 */
function isIndentedExpression(raw: string, t: string): boolean {
  const c = raw.charCodeAt(0);
  return (c === 32 || c === 9) && !/[A-Za-z_]\w* +[A-Za-z_]\w*/.test(t);
}

const MAX_LINE = 1000;
const MIN_CODE_LINES = 3;

/** Calls `visit(start, end)` for each line of `text` ([start, end), without the newline). */
function forEachLine(text: string, visit: (start: number, end: number) => boolean | void): void {
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf("\n", start);
    if (end === -1) end = text.length;
    if (visit(start, end) === false) return;
    start = end + 1;
  }
}

/** The line [start, end) without a trailing CR, trimmed, at most MAX_LINE characters. */
function lineText(text: string, start: number, end: number): string {
  return text.slice(start, Math.min(end, start + MAX_LINE)).trim();
}

export const codeRule: Rule = {
  name: "code",
  kinds: ["code"],
  // Code spans lines, and a diff or fence has its markers.
  mayMatch: (text) => text.includes("\n") || text.startsWith("@@ -") || text.includes("```") || text.startsWith("diff --git"),
  find(text, emit) {
    let diffStart = -1;
    let diffEnd = -1;
    let fenceStart = -1;
    let runStart = -1;
    let runEnd = -1;
    let runLines = 0;
    const endRun = () => {
      if (runLines >= MIN_CODE_LINES) emit("code", runStart, runEnd);
      runLines = 0;
      runStart = -1;
    };
    forEachLine(text, (start, end) => {
      const raw = text.slice(start, Math.min(end, start + MAX_LINE));
      if (fenceStart !== -1) {
        if (FENCE.test(raw)) {
          emit("code", fenceStart, end);
          fenceStart = -1;
        }
        return;
      }
      if (diffStart !== -1) {
        if (DIFF_LINE.test(raw)) {
          if (raw.length > 0) diffEnd = end;
          return;
        }
        emit("code", diffStart, diffEnd);
        diffStart = -1;
      }
      if (FENCE.test(raw)) {
        endRun();
        fenceStart = start;
        return;
      }
      if (DIFF_START.test(raw)) {
        endRun();
        diffStart = start;
        diffEnd = end;
        return;
      }
      const t = lineText(text, start, end);
      if (isCodeLine(t)) {
        if (runLines === 0) runStart = start + raw.indexOf(t[0]!);
        runLines++;
        runEnd = start + raw.lastIndexOf(t[t.length - 1]!) + 1;
      } else if (!NEUTRAL.test(t) && !(runLines > 0 && isIndentedExpression(raw, t))) endRun();
    });
    endRun();
    if (diffStart !== -1) emit("code", diffStart, diffEnd);
    if (fenceStart !== -1) emit("code", fenceStart, text.length);
  },
};

const PROMPT_MARKERS =
  /<\|(?:im_start|im_end|system|user|assistant|endoftext)\|>|\[\/?INST\]|<<\/?SYS>>|<\/?(?:system|system_prompt|instructions)>|\b(?:ignore|disregard|forget|override)\s(?:all\s|any\s)?(?:of\s)?(?:the\s|your\s|my\s)?(?:previous|prior|above|earlier|preceding|system|original)\s(?:instructions|prompts?|messages|rules|directions|guidelines)\b|\byou are (?:a|an|the) (?:[\w-]{1,20} ){0,4}(?:assistant|agent|AI|model|chatbot|LLM|language model)\b(?![\w-])|^#{1,3} ?(?:Instruction|System prompt|Response):?\s*$/im;
const ROLE_TURN = /^(?:system|user|assistant|human|ai)\s?:/i;

export const promptRule: Rule = {
  name: "prompt",
  kinds: ["code"],
  mayMatch: (text) => /nstruction|ignore|disregard|you are|<\||\[\/?INST\]|<<SYS>>|system|assistant|human\s?:|### /i.test(text),
  find(text, emit) {
    const marker = PROMPT_MARKERS.exec(text);
    let start = marker === null ? -1 : text.lastIndexOf("\n", marker.index) + 1;
    // A transcript: two or more role turns at line starts.
    let turns = 0;
    let firstTurn = -1;
    forEachLine(text, (lineStart, lineEnd) => {
      if (ROLE_TURN.test(text.slice(lineStart, Math.min(lineEnd, lineStart + 12)).trimStart())) {
        if (firstTurn === -1) firstTurn = lineStart;
        turns++;
      }
      return start === -1 || lineStart < start;
    });
    if (turns >= 2 && (start === -1 || firstTurn < start)) start = firstTurn;
    if (start !== -1) emit("code", start, text.length);
  },
};
