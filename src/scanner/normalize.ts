// Normalisation before matching (DESIGN.md section 6): look-alike and invisible characters must
// not hide a value. Each code point is NFKC-normalised on its own (fullwidth digits and letters,
// mathematical digits, non-breaking spaces become ASCII), format characters that render as nothing
// are dropped (zero-width space, joiners, soft hyphen, word joiner, bidi controls, variation
// selectors, tags, combining marks), and common Cyrillic and Greek homoglyphs and Unicode dashes
// map to their ASCII look-alikes. Per-code-point normalisation keeps a map from every output
// character back to its source range, so findings can be reported in the caller's offsets.

export interface Normalized {
  /** The text the rules see. */
  readonly text: string;
  /** For each UTF-16 unit of `text`, the offset of its source character in the original; null when `text` is the original. */
  readonly starts: Int32Array | null;
  /** For each UTF-16 unit of `text`, the offset just past its source character; null when `text` is the original. */
  readonly ends: Int32Array | null;
}

/** Characters that render as nothing (or only shape their neighbours): dropped before matching. */
function invisible(cp: number): boolean {
  return (
    cp === 0xad || // soft hyphen
    (cp >= 0x300 && cp <= 0x36f) || // combining diacritical marks
    cp === 0x34f || // combining grapheme joiner
    cp === 0x61c || // Arabic letter mark
    cp === 0x180e ||
    (cp >= 0x200b && cp <= 0x200f) || // zero-width space, non-joiner, joiner, LRM, RLM
    (cp >= 0x202a && cp <= 0x202e) || // bidi embeddings and overrides
    (cp >= 0x2060 && cp <= 0x2064) || // word joiner, invisible operators
    (cp >= 0x2066 && cp <= 0x206f) || // bidi isolates and deprecated format characters
    (cp >= 0xfe00 && cp <= 0xfe0f) || // variation selectors
    cp === 0xfeff || // zero-width no-break space (BOM)
    (cp >= 0xe0000 && cp <= 0xe007f) || // tag characters
    (cp >= 0xe0100 && cp <= 0xe01ef) // variation selectors supplement
  );
}

// Cyrillic and Greek letters that look like Latin ones, and dashes that look like '-'.
const LOOKALIKES: Readonly<Record<string, string>> = {
  "а": "a", "в": "b", "е": "e", "о": "o", "р": "p", "с": "c", "у": "y", "х": "x", "і": "i", "ј": "j", "ѕ": "s",
  "ԁ": "d", "ԛ": "q", "ԝ": "w", "һ": "h", "ӏ": "l", "к": "k", "м": "m", "н": "h", "т": "t",
  "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P", "С": "C", "Т": "T", "Х": "X",
  "У": "Y", "І": "I", "Ј": "J", "Ѕ": "S", "Ԛ": "Q", "Ԝ": "W", "Һ": "H", "Ӏ": "I",
  "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M", "Ν": "N", "Ο": "O", "Ρ": "P",
  "Τ": "T", "Υ": "Y", "Χ": "X", "ο": "o", "ν": "v", "ρ": "p", "ι": "i", "α": "a",
  "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2212": "-", "\ufe63": "-", "\uff0d": "-",
};

// NFKC of one code point, cached: the same few non-ASCII characters recur across texts.
const cache = new Map<number, string>();
function mapped(cp: number): string {
  let out = cache.get(cp);
  if (out === undefined) {
    const nfkc = String.fromCodePoint(cp).normalize("NFKC");
    out = "";
    for (const ch of nfkc) {
      const c = ch.codePointAt(0)!;
      if (!invisible(c)) out += LOOKALIKES[ch] ?? ch;
    }
    if (cache.size < 4096) cache.set(cp, out);
  }
  return out;
}

const NON_ASCII = /[^\x00-\x7f]/;

/** Normalises `text` for matching; ASCII text is returned as is, without offset maps. */
export function normalizeForScan(text: string): Normalized {
  if (!NON_ASCII.test(text)) return { text, starts: null, ends: null };
  // Most non-ASCII metadata ("→", "—", "é", "✓") normalises to itself: then nothing is rebuilt.
  let changed = false;
  for (let i = 0; i < text.length && !changed; i++) {
    if (text.charCodeAt(i) < 128) continue;
    const cp = text.codePointAt(i)!;
    const width = cp > 0xffff ? 2 : 1;
    changed = invisible(cp) || mapped(cp) !== text.slice(i, i + width);
    i += width - 1;
  }
  if (!changed) return { text, starts: null, ends: null };
  let out = "";
  const starts: number[] = [];
  const ends: number[] = [];
  for (let i = 0; i < text.length; ) {
    const c = text.charCodeAt(i);
    if (c < 128) {
      out += text[i];
      starts.push(i);
      ends.push(i + 1);
      i++;
      continue;
    }
    const cp = text.codePointAt(i)!;
    const width = cp > 0xffff ? 2 : 1;
    if (!invisible(cp)) {
      const m = mapped(cp);
      for (let k = 0; k < m.length; k++) {
        starts.push(i);
        ends.push(i + width);
      }
      out += m;
    }
    i += width;
  }
  return { text: out, starts: Int32Array.from(starts), ends: Int32Array.from(ends) };
}
