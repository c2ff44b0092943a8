// One line per audit event, shared by the audit explorer and the run page's timeline (its own
// module so the run page, in the initial bundle, does not pull in the lazily loaded explorer).
import { humanize } from "../format.ts";

/** A one-line description of an event: its type and its safe metadata (ids, counts, kinds); user ids read as names when `names` knows them. */
export function eventSummary(e: { type: string; subject: string | null; meta?: unknown }, names?: ReadonlyMap<string, string>) {
  const named = (v: string) => names?.get(v) ?? v;
  const meta = typeof e.meta === "object" && e.meta !== null ? (e.meta as Record<string, unknown>) : {};
  const parts = Object.entries(meta)
    .filter(([, v]) => v !== null && v !== "" && (typeof v !== "object" || Array.isArray(v)))
    .slice(0, 4)
    .map(([k, v]) => `${humanize(k)}: ${Array.isArray(v) ? v.join(", ") : named(String(v))}`);
  return (
    <span>
      <strong>{humanize(e.type.replace(".", " "))}</strong>
      {e.subject ? <span class="muted"> · {named(e.subject)}</span> : null}
      {parts.length ? <span class="muted small"> — {parts.join("; ")}</span> : null}
    </span>
  );
}
