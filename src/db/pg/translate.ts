// The query modules (src/db/queries/) are written once, with drizzle's SQLite builder. On
// PostgreSQL their SQL text is translated once per statement, here, and then reused: positional
// parameters become $n, and the few SQLite spellings the modules use get their PostgreSQL form.
// Anything else in the modules is portable SQL.
import { is } from "drizzle-orm";
import { getTableConfig, SQLiteTable } from "drizzle-orm/sqlite-core";
import * as schema from "../schema/index.ts";

/**
 * Translates one SQLite statement to PostgreSQL:
 * - `?` → `$1`, `$2`, … (each occurrence its own parameter, as SQLite binds them);
 * - `? IS [NOT] NULL` → `$n::text IS [NOT] NULL` (PostgreSQL must know a parameter's type, and
 *   an optional filter tests it before comparing it);
 * - `json_each(?)` → `json_array_elements_text($n::text::json)` (id lists are JSON text);
 * - `json_extract(x, '$.key')` → `(x::json ->> 'key')`;
 * - `CAST(x AS INTEGER)` → `CAST(trunc(x) AS BIGINT)` (64-bit, truncating, as in SQLite);
 * - scalar `max(a, b)` / `min(a, b)` → `greatest(a, b)` / `least(a, b)`;
 * - `json_group_object(k, v)` → `coalesce(json_object_agg(k, v)::text, '{}')` and
 *   `json_group_array(x)` → `coalesce(json_agg(x)::text, '[]')` (JSON text, also when no row matches);
 * - `null` inserted into an auto-increment key → `DEFAULT` (SQLite numbers a null INTEGER PRIMARY
 *   KEY itself; PostgreSQL takes the next value of the column's sequence only for DEFAULT);
 * - `on conflict ("t"."c")` → `on conflict ("c")` (PostgreSQL names the conflict target's columns bare).
 * Quoted identifiers and string literals are copied as they are.
 */
export function toPostgres(sqlite: string): string {
  return defaultKeys(translateFragment(sqlite)).replace(/\bon conflict \(([^)]*)\)/gi, (_m, target: string) => `on conflict (${target.replace(/"[^"]+"\./g, "")})`);
}

function translateFragment(sqlite: string): string {
  let out = "";
  let n = 0;
  let i = 0;
  while (i < sqlite.length) {
    const c = sqlite[i]!;
    if (c === "'" || c === '"') {
      const end = closing(sqlite, i, c);
      out += sqlite.slice(i, end);
      i = end;
      continue;
    }
    if (c === "?") {
      n++;
      const rest = sqlite.slice(i + 1, i + 16);
      out += /^\s+IS\s+(NOT\s+)?NULL\b/i.test(rest) ? `$${n}::text` : `$${n}`;
      i++;
      continue;
    }
    if ((c === "j" || c === "J") && /^json_each\(\?\)/i.test(sqlite.slice(i, i + 12))) {
      n++;
      out += `json_array_elements_text($${n}::text::json)`;
      i += 12;
      continue;
    }
    if ((c === "j" || c === "J") && /^json_extract\(/i.test(sqlite.slice(i, i + 13))) {
      const m = /^json_extract\(([^,()]+(?:\([^()]*\))?),\s*'\$\.([a-z_][a-z0-9_]*)'\)/i.exec(sqlite.slice(i));
      if (!m) throw new Error(`unsupported json_extract in: ${sqlite.slice(i, i + 80)}`);
      out += `(${m[1]}::json ->> '${m[2]}')`;
      i += m[0].length;
      continue;
    }
    const fn = /^(json_group_object|json_group_array|max|min|cast)\(/i.exec(sqlite.slice(i, i + 20));
    if (fn && !/[\w."]/.test(sqlite[i - 1] ?? " ")) {
      const open = i + fn[0].length - 1;
      const end = matchingParen(sqlite, open);
      const args = toPostgresArgs(sqlite.slice(open + 1, end), n);
      n = args.n;
      out += rewriteCall(fn[1]!.toLowerCase(), args.text, topLevelComma(sqlite.slice(open + 1, end)));
      i = end + 1;
      continue;
    }
    out += c;
    i++;
  }
  return out;
}

/** Auto-increment key columns, by table (from the schema; SQLite fills them when null). */
const AUTO_KEYS: ReadonlyMap<string, string> = new Map(
  Object.values(schema as Record<string, unknown>).filter((t): t is SQLiteTable => is(t, SQLiteTable)).flatMap((t) => {
    const config = getTableConfig(t);
    const key = config.columns.find((c) => (c as unknown as { autoIncrement?: boolean }).autoIncrement === true);
    return key ? [[config.name, key.name] as const] : [];
  }),
);

function defaultKeys(text: string): string {
  const m = /^insert into "([^"]+)" \(([^)]*)\) values \(/i.exec(text);
  const key = m ? AUTO_KEYS.get(m[1]!) : undefined;
  if (!m || !key) return text;
  const position = m[2]!.split(",").map((c) => c.trim()).indexOf(`"${key}"`);
  if (position < 0) return text;
  const start = m[0].length;
  const end = matchingParen(text, start - 1);
  const values = splitTopLevel(text.slice(start, end));
  if (values[position]!.trim().toLowerCase() !== "null") return text;
  values[position] = "DEFAULT";
  return text.slice(0, start) + values.join(",") + text.slice(end);
}

function splitTopLevel(fragment: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let from = 0;
  for (let i = 0; i < fragment.length; i++) {
    const c = fragment[i]!;
    if (c === "'" || c === '"') i = closing(fragment, i, c) - 1;
    else if (c === "(") depth++;
    else if (c === ")") depth--;
    else if (c === "," && depth === 0) {
      parts.push(fragment.slice(from, i));
      from = i + 1;
    }
  }
  parts.push(fragment.slice(from));
  return parts;
}

/** SQLite functions PostgreSQL spells differently: JSON aggregates (as JSON text, also over no row), scalar max/min. */
function rewriteCall(name: string, args: string, severalArgs: boolean): string {
  switch (name) {
    case "json_group_object":
      return `coalesce(json_object_agg(${args})::text, '{}')`;
    case "json_group_array":
      return `coalesce(json_agg(${args})::text, '[]')`;
    case "cast": {
      // SQLite's INTEGER is 64-bit and its conversion truncates; PostgreSQL's rounds.
      const m = /^([\s\S]*)\sAS\s+INTEGER\s*$/i.exec(args);
      return m ? `CAST(trunc(${m[1]}) AS BIGINT)` : `CAST(${args})`;
    }
    default:
      // SQLite's max(a, b) is PostgreSQL's greatest(a, b); with one argument it is the aggregate.
      return severalArgs ? `${name === "max" ? "greatest" : "least"}(${args})` : `${name}(${args})`;
  }
}

function topLevelComma(fragment: string): boolean {
  let depth = 0;
  for (let i = 0; i < fragment.length; i++) {
    const c = fragment[i]!;
    if (c === "'" || c === '"') i = closing(fragment, i, c) - 1;
    else if (c === "(") depth++;
    else if (c === ")") depth--;
    else if (c === "," && depth === 0) return true;
  }
  return false;
}

/** Translates a fragment whose parameters continue after the `n` already numbered. */
function toPostgresArgs(fragment: string, n: number): { text: string; n: number } {
  let count = 0;
  const text = translateFragment(fragment).replace(/\$(\d+)/g, (_m, k: string) => {
    count = Math.max(count, Number(k));
    return `$${Number(k) + n}`;
  });
  return { text, n: n + count };
}

/** The index of the parenthesis closing the one at `open` (literals skipped). */
function matchingParen(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const c = text[i]!;
    if (c === "'" || c === '"') {
      i = closing(text, i, c) - 1;
      continue;
    }
    if (c === "(") depth++;
    else if (c === ")" && --depth === 0) return i;
  }
  throw new Error(`unbalanced parentheses in: ${text.slice(open, open + 80)}`);
}

/** The index just past the literal or identifier opened by `quote` at `start` (a doubled quote escapes). */
function closing(text: string, start: number, quote: string): number {
  let i = start + 1;
  while (i < text.length) {
    if (text[i] === quote) {
      if (text[i + 1] === quote) {
        i += 2;
        continue;
      }
      return i + 1;
    }
    i++;
  }
  return i;
}
