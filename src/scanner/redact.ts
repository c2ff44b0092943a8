/** What redaction needs of a finding (the core passes its own finding type). */
export interface RedactableFinding {
  readonly kind: string;
  readonly start: number;
  readonly end: number;
}

/** Replaces each finding's span with `[REDACTED:kind]`; overlapping or out-of-range findings are merged safely. */
export function redact(text: string, findings: readonly RedactableFinding[]): string {
  const sorted = [...findings].sort((a, b) => a.start - b.start || b.end - a.end);
  let out = "";
  let cursor = 0;
  for (const f of sorted) {
    const start = Math.max(f.start, cursor, 0);
    const end = Math.min(f.end, text.length);
    if (end <= start) {
      // Entirely inside an already-redacted span (or empty): nothing left to hide.
      continue;
    }
    out += text.slice(cursor, start) + `[REDACTED:${f.kind}]`;
    cursor = end;
  }
  return out + text.slice(cursor);
}
