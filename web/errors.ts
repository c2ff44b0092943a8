// Server errors in the user's words, on the field they concern. The API answers a bad field as
// "globs.0: a glob cannot contain . or .. segments" with details.fields ["globs.0"]; a form shows
// "Line 1: cannot contain “.” or “..” as a folder name" under its Globs field, and clears it on change.
import { useState } from "preact/hooks";
import { ApiError } from "./api.ts";

const PHRASES: [RegExp, (m: RegExpMatchArray) => string][] = [
  [/^Too small: expected string to have >=1 characters?$/, () => "Fill this in."],
  [/^Too small: expected string to have >=(\d+) characters?$/, (m) => `Use at least ${m[1]} characters.`],
  [/^Too big: expected string to have <=(\d+) characters?$/, (m) => `Use at most ${m[1]} characters.`],
  [/^Too big: expected array to have <=(\d+) items?$/, (m) => `At most ${m[1]} entries.`],
  [/^Too small: expected array to have >=(\d+) items?$/, (m) => `Give at least ${m[1]}.`],
  [/^Too small: expected number to be >=(-?\d+)$/, (m) => `Use ${m[1]} or more.`],
  [/^Too big: expected number to be <=(-?\d+)$/, (m) => `Use ${m[1]} or less.`],
  [/^Invalid input: expected \w+, received undefined$/, () => "Fill this in."],
  [/^Invalid (email address|URL)$/i, (m) => `This is not a valid ${m[1]!.toLowerCase() === "url" ? "web address" : "email address"}.`],
  [/^a glob cannot contain \. or \.\. segments$/, () => "A glob cannot use “.” or “..” as a folder name; write the path from the repository root."],
  [/^a glob cannot have empty segments/, () => "A glob cannot contain “//” or a lone “/”."],
  [/^a glob cannot be empty$/, () => "Remove the empty line."],
  [/^unknown field\(s\) (.+)$/, (m) => `This form sent a field the server does not know (${m[1]}); reload the page.`],
];

/** One server message in plain words: a known phrase rewritten, anything else capitalised as a sentence. */
export function plainWords(message: string): string {
  const text = message.trim();
  for (const [pattern, say] of PHRASES) {
    const m = text.match(pattern);
    if (m) return say(m);
  }
  const sentence = text.charAt(0).toUpperCase() + text.slice(1);
  return /[.!?]$/.test(sentence) ? sentence : `${sentence}.`;
}

/**
 * Splits an API error into messages per form field (keyed by the field's first path segment, with
 * "Line N: " for list items) and a general message for the rest.
 */
export function splitError(error: unknown): { fields: Record<string, string>; general: string | null } {
  if (!(error instanceof ApiError) || error.fields.length === 0) return { fields: {}, general: error ? plainWords((error as Error).message) : null };
  const fields: Record<string, string> = {};
  const rest = error.message;
  const parts: { field: string; message: string }[] = [];
  // The message is "f1: m1; f2: m2" in the order of details.fields; cut it at each known prefix.
  const order = error.fields.map((f) => ({ f, at: rest.indexOf(`${f}: `) })).filter((x) => x.at >= 0).sort((a, b) => a.at - b.at);
  order.forEach(({ f, at }, i) => {
    const end = i + 1 < order.length ? order[i + 1]!.at - 2 : rest.length;
    parts.push({ field: f, message: rest.slice(at + f.length + 2, end) });
  });
  if (parts.length === 0) return { fields: {}, general: plainWords(error.message) };
  for (const { field, message } of parts) {
    const [head, index] = field.split(".");
    const words = plainWords(message);
    const line = index !== undefined && /^\d+$/.test(index) ? `Line ${Number(index) + 1}: ${words}` : words;
    fields[head!] = fields[head!] ? `${fields[head!]} ${line}` : line;
  }
  return { fields, general: null };
}

export interface FormErrors {
  /** The message for one field, if any. */
  of(field: string): string | null;
  /** What is not about one of the form's fields (null when nothing). */
  general: string | null;
  /** Clears these fields' messages and the general one (call on change). */
  clear(...fields: string[]): void;
}

/**
 * Per-field messages of a failed action (`failure`, as useAction keeps it) for a form showing
 * `known` fields; a field's message goes as soon as the person edits it, and a new failure starts over.
 */
export function useFormErrors(failure: unknown, known: readonly string[]): FormErrors {
  const [cleared, setCleared] = useState<{ of: unknown; fields: string[] }>({ of: null, fields: [] });
  const gone = cleared.of === failure ? cleared.fields : [];
  const split = failure ? splitError(failure) : { fields: {}, general: null };
  const fields = Object.fromEntries(Object.entries(split.fields).filter(([f]) => known.includes(f) && !gone.includes(f)));
  // A field this form does not show still needs saying: it goes to the general message.
  const stray = Object.entries(split.fields).filter(([f]) => !known.includes(f)).map(([, m]) => m);
  const general = gone.includes("*") ? null : [split.general, ...stray].filter(Boolean).join(" ") || null;
  return {
    of: (field) => fields[field] ?? null,
    general,
    clear: (...more) => setCleared({ of: failure, fields: [...gone, ...more, "*"] }),
  };
}

const FIELD_NAMES: Record<string, string> = { globs: "Globs", protectedGlobs: "Protected globs", newPassword: "New password", currentPassword: "Current password", remoteUrl: "Remote URL", newName: "Name" };

/** An error as one plain sentence (for places without a form field to put it on). */
export function plainError(error: unknown): string {
  const { fields, general } = splitError(error);
  const named = Object.entries(fields).map(([f, m]) => `${FIELD_NAMES[f] ?? f.charAt(0).toUpperCase() + f.slice(1)}: ${m}`);
  return [general, ...named].filter(Boolean).join(" ");
}
