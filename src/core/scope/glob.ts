// Gitignore-like path globs, matched without regular expressions so no glob can backtrack
// catastrophically: segments are matched by dynamic programming, characters by the two-pointer
// wildcard algorithm (both polynomial in the pattern and path length, which are capped).
//
// Syntax: `*` any run of characters within one segment (dotfiles included, as in .gitignore),
// `?` one character, `[abc]` `[a-z]` `[!x]` `[^x]` classes, `\` escapes, `**` as a whole segment
// any number of segments. A leading `/` or a `/` in the middle anchors the glob at the repository
// root; otherwise it matches at any depth. A trailing `/` matches directories only (everything
// inside them). A glob that matches a directory matches everything inside it. Case-sensitive.

export const MAX_GLOB_LENGTH = 512;

type Token =
  | { t: "lit"; c: string }
  | { t: "any" }
  | { t: "star" }
  | { t: "class"; negated: boolean; singles: Set<string>; ranges: [number, number][] };

/** `literal` is set when the segment has no wildcard: compared as a string, the common case. */
type Segment = { t: "globstar" } | { t: "seg"; tokens: Token[]; literal: string | null };

export interface CompiledGlob {
  readonly source: string;
  /** True when the path (or a directory containing it) matches. */
  match(path: string): boolean;
  /** Same, for a path already split by `splitPath` (share the split across many globs). */
  matchSplit(path: SplitPath): boolean;
}

/** A path split into segments, and each segment into characters (code points, so `?` counts characters). */
export interface SplitPath {
  readonly raw: readonly string[];
  readonly chars: readonly (readonly string[])[];
}

export class GlobError extends Error {}

export function splitPath(path: string): SplitPath {
  const raw = path.split("/").filter((s) => s !== "");
  return { raw, chars: raw.map((s) => Array.from(s)) };
}

function parseClass(chars: string[], start: number): { token: Token; next: number } {
  let i = start + 1;
  let negated = false;
  if (chars[i] === "!" || chars[i] === "^") {
    negated = true;
    i++;
  }
  const singles = new Set<string>();
  const ranges: [number, number][] = [];
  let first = true;
  while (i < chars.length && (chars[i] !== "]" || first)) {
    let c = chars[i]!;
    if (c === "\\" && i + 1 < chars.length) c = chars[++i]!;
    if (chars[i + 1] === "-" && i + 2 < chars.length && chars[i + 2] !== "]") {
      let end = chars[i + 2]!;
      let skip = 3;
      if (end === "\\" && i + 3 < chars.length) {
        end = chars[i + 3]!;
        skip = 4;
      }
      const lo = c.codePointAt(0)!;
      const hi = end.codePointAt(0)!;
      if (lo > hi) throw new GlobError("a character range runs backwards");
      ranges.push([lo, hi]);
      i += skip;
    } else {
      singles.add(c);
      i++;
    }
    first = false;
  }
  if (i >= chars.length) throw new GlobError("a [ character class is not closed");
  return { token: { t: "class", negated, singles, ranges }, next: i + 1 };
}

function parseSegment(text: string): Segment {
  if (text === "**") return { t: "globstar" };
  if (!/[*?[\\]/.test(text)) return { t: "seg", tokens: Array.from(text, (c) => ({ t: "lit", c }) as Token), literal: text };
  const chars = Array.from(text);
  const tokens: Token[] = [];
  for (let i = 0; i < chars.length; ) {
    const c = chars[i]!;
    if (c === "*") {
      // `**` inside a segment is just `*`; consecutive stars collapse.
      if (tokens.at(-1)?.t !== "star") tokens.push({ t: "star" });
      i++;
    } else if (c === "?") {
      tokens.push({ t: "any" });
      i++;
    } else if (c === "[") {
      const { token, next } = parseClass(chars, i);
      tokens.push(token);
      i = next;
    } else if (c === "\\") {
      if (i + 1 >= chars.length) throw new GlobError("a glob cannot end with a backslash");
      tokens.push({ t: "lit", c: chars[i + 1]! });
      i += 2;
    } else {
      tokens.push({ t: "lit", c });
      i++;
    }
  }
  return { t: "seg", tokens, literal: null };
}

function tokenMatches(token: Token, c: string): boolean {
  switch (token.t) {
    case "lit":
      return token.c === c;
    case "any":
      return true;
    case "class": {
      let hit = token.singles.has(c);
      if (!hit) {
        const code = c.codePointAt(0)!;
        for (const [lo, hi] of token.ranges) if (code >= lo && code <= hi) {
          hit = true;
          break;
        }
      }
      return hit !== token.negated;
    }
    case "star":
      return true;
  }
}

/** Two-pointer wildcard match of one segment: O(tokens × chars) in the worst case, no recursion. */
function segmentMatches(tokens: readonly Token[], chars: readonly string[]): boolean {
  let t = 0;
  let c = 0;
  let starT = -1;
  let starC = 0;
  while (c < chars.length) {
    const token = tokens[t];
    if (token !== undefined && token.t === "star") {
      starT = t++;
      starC = c;
    } else if (token !== undefined && tokenMatches(token, chars[c]!)) {
      t++;
      c++;
    } else if (starT >= 0) {
      t = starT + 1;
      c = ++starC;
    } else {
      return false;
    }
  }
  while (t < tokens.length && tokens[t]!.t === "star") t++;
  return t === tokens.length;
}

/** Whether the segment patterns match the whole path, by dynamic programming over (pattern, path) positions. */
function segmentsMatch(pattern: readonly Segment[], path: SplitPath): boolean {
  const P = pattern.length;
  const S = path.raw.length;
  // ok[i * (S + 1) + j]: pattern[i..] matches path[j..].
  const ok = new Uint8Array((P + 1) * (S + 1));
  ok[P * (S + 1) + S] = 1;
  for (let i = P - 1; i >= 0; i--) {
    const seg = pattern[i]!;
    for (let j = S; j >= 0; j--) {
      let m = false;
      if (seg.t === "globstar") m = ok[(i + 1) * (S + 1) + j] === 1 || (j < S && ok[i * (S + 1) + j + 1] === 1);
      else m = j < S && ok[(i + 1) * (S + 1) + j + 1] === 1 && (seg.literal !== null ? seg.literal === path.raw[j] : segmentMatches(seg.tokens, path.chars[j]!));
      ok[i * (S + 1) + j] = m ? 1 : 0;
    }
  }
  return ok[0] === 1;
}

/** Why a glob is unacceptable, or null when it compiles. */
export function globProblem(glob: string): string | null {
  try {
    compileGlob(glob);
    return null;
  } catch (error) {
    if (error instanceof GlobError) return error.message;
    throw error;
  }
}

/** Compiles a glob (throws GlobError with a reason people can act on). */
export function compileGlob(glob: string): CompiledGlob {
  if (glob.length === 0) throw new GlobError("a glob cannot be empty");
  if (glob.length > MAX_GLOB_LENGTH) throw new GlobError(`a glob is at most ${MAX_GLOB_LENGTH} characters`);
  if (glob.includes("\0")) throw new GlobError("a glob cannot contain NUL");
  let body = glob;
  let anchored = false;
  let dirOnly = false;
  if (body.startsWith("/")) {
    anchored = true;
    body = body.slice(1);
  }
  if (body.endsWith("/") && !body.endsWith("\\/")) {
    dirOnly = true;
    body = body.slice(0, -1);
  }
  const texts = body.split("/");
  if (texts.some((t) => t === "")) throw new GlobError("a glob cannot have empty segments (// or a lone /)");
  if (texts.some((t) => t === "." || t === "..")) throw new GlobError("a glob cannot contain . or .. segments");
  if (texts.length > 1) anchored = true;
  const segments: Segment[] = [];
  if (!anchored) segments.push({ t: "globstar" });
  for (const text of texts) {
    const seg = parseSegment(text);
    if (seg.t === "globstar" && segments.at(-1)?.t === "globstar") continue;
    segments.push(seg);
  }
  // Matching a directory matches its contents: a trailing `**` (at least one segment when the
  // glob names directories only, so `build/` does not match a file called build).
  if (dirOnly) segments.push({ t: "seg", tokens: [{ t: "star" }], literal: null });
  if (segments.at(-1)?.t !== "globstar") segments.push({ t: "globstar" });
  // Leading literal segments of an anchored glob reject most paths before any matching work.
  const prefix: string[] = [];
  for (const seg of segments) {
    if (seg.t !== "seg" || seg.literal === null) break;
    prefix.push(seg.literal);
  }
  const matchSplit = (path: SplitPath) => {
    if (path.raw.length === 0 || path.raw.length < prefix.length) return false;
    for (let k = 0; k < prefix.length; k++) if (prefix[k] !== path.raw[k]) return false;
    return segmentsMatch(segments, path);
  };
  return Object.freeze({ source: glob, matchSplit, match: (path: string) => matchSplit(splitPath(path)) });
}

/** One-off convenience; compile once with `compileGlob` when matching many paths. */
export function globMatches(glob: string, path: string): boolean {
  return compileGlob(glob).match(path);
}
