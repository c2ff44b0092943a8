// Paging helpers shared by the list verbs: opaque keyset cursors and LIKE patterns for server search.
import { z } from "zod";
import { invalid } from "./errors.ts";

/** A keyset position: the sort key of the last item of a page and its id (the tie-break). */
export interface Keyset {
  key: number;
  id: string;
}

/** An opaque cursor for `position` (base64url of `key:id`; clients only echo it back). */
export function encodeCursor(position: Keyset): string {
  return btoa(`${position.key}:${position.id}`).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** The position a cursor names; a cursor that was not ours is a 400, never a silent first page. */
export function decodeCursor(cursor: string): Keyset {
  let text = "";
  try {
    text = atob(cursor.replace(/-/g, "+").replace(/_/g, "/"));
  } catch {
    // Falls through to the refusal below.
  }
  const match = /^(-?\d{1,16}):([0-9A-Za-z_]{1,64})$/.exec(text);
  if (!match) throw invalid("cursor is not one from a previous page");
  return { key: Number(match[1]), id: match[2]! };
}

export const Cursor = z.string().max(200).regex(/^[0-9A-Za-z_-]+$/, "a cursor from a previous page");
/** Search text: trimmed; blank means no search. */
export const SearchText = z.string().max(200).transform((s) => s.trim()).optional();

/** A `LIKE ? ESCAPE '\'` pattern matching `text` anywhere, its `%`, `_` and `\` taken literally; null for no search. */
export function containsPattern(text: string | undefined | null): string | null {
  if (!text) return null;
  return `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
