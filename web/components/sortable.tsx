// Sortable tables for lists the page holds in full (keys, people, a run's files and builds): a
// column header is a button that sorts by that column, and says so with aria-sort. Lists the
// server pages (runs, audit) are sorted by the server instead, never over one loaded page.
import type { ComponentChildren } from "preact";
import { useState } from "preact/hooks";

export type SortValue = string | number | null | undefined;
export type Direction = "ascending" | "descending";

export interface Sort<T, K extends string> {
  rows: T[];
  /**
   * A `<th>` whose button sorts by `column` (a second press reverses the order). A function, not a
   * component: a component made per render would remount and drop the keyboard focus on its button.
   */
  header: (column: K, label: ComponentChildren, cls?: string) => ComponentChildren;
}

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: "base" });

/** Empty values sort last whichever the direction, so the rows that have the value stay on top. */
export function compareValues(a: SortValue, b: SortValue, direction: Direction): number {
  const missingA = a === null || a === undefined || a === "";
  const missingB = b === null || b === undefined || b === "";
  if (missingA || missingB) return missingA === missingB ? 0 : missingA ? 1 : -1;
  const order = typeof a === "number" && typeof b === "number" ? a - b : collator.compare(String(a), String(b));
  return direction === "ascending" ? order : -order;
}

/** Sorts `rows` by the chosen column's value (stable: equal rows keep the server's order). */
export function useSort<T, K extends string>(rows: readonly T[], columns: Record<K, (row: T) => SortValue>, initial: { column: K | null; direction?: Direction } = { column: null }): Sort<T, K> {
  const [state, setState] = useState<{ column: K | null; direction: Direction }>({ column: initial.column, direction: initial.direction ?? "ascending" });
  const { column, direction } = state;
  const sorted = column === null ? [...rows] : rows.map((row, i) => ({ row, i, v: columns[column](row) }))
    .sort((a, b) => compareValues(a.v, b.v, direction) || a.i - b.i)
    .map((x) => x.row);
  const header = (c: K, label: ComponentChildren, cls?: string) => {
    const active = c === column;
    const next: Direction = active && direction === "ascending" ? "descending" : "ascending";
    return (
      <th class={cls} aria-sort={active ? direction : undefined}>
        <button type="button" class="sort" onClick={() => setState({ column: c, direction: next })}>
          {label}
          <span class="sort-mark" aria-hidden="true">{active ? (direction === "ascending" ? "▲" : "▼") : "↕"}</span>
        </button>
      </th>
    );
  };
  return { rows: sorted, header };
}
