// Display helpers: dates in the viewer's locale, compact numbers, durations.
const dateTime = new Intl.DateTimeFormat(undefined, { year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" });
const timeOnly = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit", second: "2-digit" });

export function formatDate(ms: number | null | undefined): string {
  return ms ? dateTime.format(new Date(ms)) : "—";
}

export function formatTime(ms: number): string {
  return timeOnly.format(new Date(ms));
}

/** "3 min ago", relative to `now` (the browser clock). */
export function ago(ms: number | null | undefined, now = Date.now()): string {
  if (!ms) return "never";
  const s = Math.round((now - ms) / 1000);
  if (s < 0) return formatDate(ms);
  if (s < 45) return "just now";
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 86_400) return `${Math.round(s / 3600)} h ago`;
  if (s < 7 * 86_400) return `${Math.round(s / 86_400)} d ago`;
  return formatDate(ms);
}

export function compact(n: number): string {
  if (n >= 1_000_000) return `${(n / 1_000_000).toFixed(n >= 10_000_000 ? 0 : 1)}M`;
  if (n >= 1_000) return `${(n / 1_000).toFixed(n >= 10_000 ? 0 : 1)}k`;
  return String(n);
}

export function duration(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
}

export const humanize = (text: string) => text.replaceAll("_", " ");

const pad = (n: number) => String(n).padStart(2, "0");

/** "2026-12-02 10:31:05 UTC": an unambiguous time for the audit trail (seconds, time zone named). */
export function utc(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} UTC`;
}

const localFull = new Intl.DateTimeFormat(undefined, { year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", second: "2-digit", timeZoneName: "short" });
/** The same instant in the viewer's own time zone (shown on hover). */
export function localTime(ms: number): string {
  return localFull.format(new Date(ms));
}

const DECIDED: Record<string, string> = { approved: "Approved", rejected: "Rejected", expired: "Expired" };
/** "Approved by Lee Lead (lead), 2 min ago": how every decision reads, wherever it appears. */
export function decisionLine(status: string, decider: { name: string | null; role: string | null } | null, decidedAt: number | null, now = Date.now()): string {
  const verb = DECIDED[status] ?? humanize(status);
  if (status === "expired") return `Expired unanswered, ${ago(decidedAt, now)}`;
  const who = decider ? ` by ${decider.name ?? "an erased person"}${decider.role ? ` (${decider.role})` : ""}` : "";
  return `${verb}${who}, ${ago(decidedAt, now)}`;
}

const stampFormat = new Intl.DateTimeFormat(undefined, { year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", second: "2-digit" });
/** The one way a page shows an instant (date and time to the second, the viewer's zone); UTC on hover. */
export function stamp(ms: number): string {
  return stampFormat.format(new Date(ms));
}
