// The run page's timeline in words: each event a sentence built from its safe metadata ("Moved
// from plan to build", "Reported tests: exit 1 in 4.2 s") rather than raw key: value pairs.
// Events without a sentence here fall back to the shared one-line summary.
import { compact, duration, humanize } from "../format.ts";
import { eventSummary } from "./event-summary.tsx";

type Meta = Record<string, unknown>;
const str = (v: unknown) => (typeof v === "string" ? v : typeof v === "number" ? String(v) : "");
const num = (v: unknown) => (typeof v === "number" ? v : 0);
const plural = (n: number, word: string) => `${n.toLocaleString()} ${word}${n === 1 ? "" : "s"}`;

const SENTENCES: Record<string, (m: Meta) => string> = {
  "run.started": (m) => `Run started in phase ${str(m.phase)}${m.version ? ` (runbook v${str(m.version)})` : ""}`,
  "run.phase_advanced": (m) => `Moved from ${str(m.from)} to ${str(m.to)}${m.direction === "back" ? " (back)" : ""}`,
  "run.gate_refused": (m) => `Move from ${str(m.from)} to ${str(m.to)} refused: ${humanize(str(m.reason))}`,
  "run.blocked": (m) => `Run blocked${m.why ? `: ${humanize(str(m.why))}` : ""}`,
  "run.unblocked": () => "Run unblocked",
  "run.completed": () => "Run completed",
  "run.failed": () => "Run failed",
  "run.cancelled": () => "Run cancelled",
  "checkpoint.requested": (m) => (m.kind === "phase_gate" ? `Approval requested to enter ${str(m.targetPhase)}` : `Approval requested: ${humanize(str(m.reason))}`) + (m.requiredRole ? ` (a ${str(m.requiredRole)} decides)` : ""),
  "checkpoint.approved": () => "Checkpoint approved",
  "checkpoint.rejected": () => "Checkpoint rejected",
  "checkpoint.expired": (m) => `Checkpoint expired${m.why ? ` (${humanize(str(m.why))})` : ""}`,
  "build.reported": (m) => `Reported ${str(m.kind) || "build"}: ${num(m.exitCode) === 0 ? "passed" : `exit ${num(m.exitCode)}`}${typeof m.durationMs === "number" ? ` in ${duration(m.durationMs)}` : ""}`,
  "usage.reported": (m) => `Reported ${compact(num(m.inputTokens))} input and ${compact(num(m.outputTokens))} output tokens${m.calls ? ` over ${plural(num(m.calls), "model call")}` : ""}`,
  "files.reported": (m) => {
    const n = num(m.editable) + num(m.read_only) + num(m.excluded) + num(m.unlisted);
    const counted = n > 0 ? plural(n, "file") : "files";
    return `Reported ${counted} ${str(m.action) || "changed"}${num(m.violations) ? `, ${plural(num(m.violations), "outside the editable scope")}` : ""}`;
  },
  "scope.served": (m) => `Scope served: ${num(m.editable)} editable, ${num(m.readOnly)} read-only, ${num(m.excluded)} excluded`,
  "scope.violation": (m) => `Scope violation: ${humanize(str(m.action))} on a ${humanize(str(m.access))} path`,
  "change.linked": (m) => `Linked ${[m.branch ? "a branch" : "", m.prUrl ? "a pull request" : "", m.commitSha ? "a commit" : ""].filter(Boolean).join(", ") || "a change"}`,
  "drift.detected": (m) => `Drift detected: ${humanize(str(m.kind))}`,
  "claim.expired": () => "Idle path claims released",
  "work_unit.planned": (m) => `Planned ${plural(num(m.units), "work unit")}`,
};

/** One timeline entry: a sentence for the run's own events, the shared summary for the rest. */
export function RunEventLine({ event }: { event: { type: string; meta?: unknown } }) {
  const sentence = SENTENCES[event.type];
  const meta = typeof event.meta === "object" && event.meta !== null ? (event.meta as Meta) : {};
  if (event.type.startsWith("work_unit.") && !sentence) return <span>Work unit {humanize(event.type.slice("work_unit.".length))}</span>;
  return sentence ? <span>{sentence(meta)}</span> : eventSummary({ ...event, subject: null });
}
