// An instant as every table on a page shows it: one format (format.ts `stamp`), machine-readable
// in dateTime, the unambiguous UTC time on hover.
import { stamp, utc } from "../format.ts";

export function Stamp({ ms }: { ms: number | null | undefined }) {
  if (!ms) return <span class="muted">—</span>;
  return <time class="stamp nowrap" dateTime={new Date(ms).toISOString()} title={utc(ms)}>{stamp(ms)}</time>;
}
