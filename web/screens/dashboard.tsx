// Dashboard: active runs, pending approvals, recent violations and drift, token usage over time.
import { api, type AuditEvent, type RunSummary } from "../api.ts";
import { DataView } from "../components/data-view.tsx";
import { Card, PageHeader, Pill, Stat, StatusPill } from "../components/ui.tsx";
import { ago, compact, humanize } from "../format.ts";
import { useResource } from "../hooks.ts";
import { isCheckpointEvent, isRunEvent, useLive } from "../live.ts";
import { navigate } from "../router.ts";
import { RunLink } from "./runs.tsx";
import { lazy } from "../lazy.tsx";
import { Onboarding } from "../components/onboarding.tsx";

type UsageDay = { createdAt: number; inputTokens: number; outputTokens: number };
// uPlot is the largest dependency of the app: the chart's chunk loads when the dashboard draws it.
const UsageChart = lazy(() =>
  import("../components/usage-chart.tsx").then(({ bucketUsage, UsageChart }) => ({ days, label }: { days: UsageDay[]; label: string }) => (
    <UsageChart points={bucketUsage(days, DAY, 14, Date.now())} label={label} />
  )),
  "Loading the chart…",
);

const DAY = 86_400_000;

async function loadSignals(): Promise<AuditEvent[]> {
  const [violations, drift] = await Promise.all([api.audit({ type: "scope.violation", limit: "8" }), api.audit({ type: "drift.detected", limit: "8" })]);
  return [...violations.events, ...drift.events].sort((a, b) => b.seq - a.seq).slice(0, 8);
}

/** The most recently updated runs that are active, waiting or blocked (a few: the count comes from the server). */
async function loadActive(): Promise<RunSummary[]> {
  const pages = await Promise.all(["active", "awaiting_approval", "blocked"].map((status) => api.runs({ status, limit: 8 })));
  return pages.flatMap((p) => p.runs).sort((a, b) => b.updatedAt - a.updatedAt).slice(0, 8);
}

export function DashboardScreen() {
  const summary = useResource(() => api.dashboard(), []);
  const active = useResource(loadActive, []);
  const pending = useResource(() => api.checkpoints("pending").then((p) => p.checkpoints.slice(0, 6)), []);
  const signals = useResource(loadSignals, []);
  useLive(isRunEvent, active.reload);
  useLive(isRunEvent, summary.reload);
  useLive(isCheckpointEvent, pending.reload);
  useLive(isCheckpointEvent, summary.reload);
  useLive((e) => e.type === "scope.violation" || e.type === "drift.detected", signals.reload);
  useLive((e) => e.type === "usage.reported", summary.reload);
  const titles = new Map((active.data ?? []).map((r) => [r.id, r.title]));
  const s = summary.data;
  // The chart's days come summed by the server (every report, not a page of events).
  const usage = { ...summary, data: s?.usageByDay.map((d) => ({ createdAt: d.day, inputTokens: d.inputTokens, outputTokens: d.outputTokens })) };
  return (
    <Onboarding>
      <PageHeader title="Dashboard" description="What your team's agents are doing right now." />
      <div class="stack">
        <div class="grid grid-4">
          <Stat label="Active runs" value={s ? s.activeRuns : "…"} hint="active, waiting or blocked" />
          <Stat label="Pending approvals" value={s ? s.pendingApprovals : "…"} hint="checkpoints waiting for a person" />
          <Stat label={`Violations and drift, ${s?.signals.days ?? 7} days`} value={s ? s.signals.scopeViolations + s.signals.drift : "…"} hint={s ? `${s.signals.scopeViolations} scope violations, ${s.signals.drift} drift` : "last 7 days"} />
          <Stat label="Tokens this month" value={s ? compact(s.tokens.input + s.tokens.output) : "…"} hint="input + output, every report" />
          {s?.cost ? <Stat label="Cost this month" value={`${s.cost.amount.toFixed(2)} ${s.cost.currency}`} hint={s.cost.unpricedModels.length ? `at your prices; ${s.cost.unpricedModels.length} model(s) without a price` : "at your prices"} /> : null}
        </div>
        <div class="grid grid-2">
          <Card title="Active runs" flush actions={<a href="/runs" onClick={(e) => { e.preventDefault(); navigate("/runs"); }}>All runs</a>}>
            <DataView resource={active} empty={{ title: "No active runs", body: <p>Runs appear here the moment an agent starts one.</p> }}>
              {(runs) => (
                <div class="table-wrap">
                  <table>
                    <tbody>
                      {runs.slice(0, 8).map((r) => (
                        <tr key={r.id}>
                          <td><RunLink id={r.id}>{r.title}</RunLink><div class="sub">{r.project.slug} · {r.owner.name}</div></td>
                          <td><Pill plain tone="accent">{r.phase}</Pill></td>
                          <td><StatusPill status={r.status} /></td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              )}
            </DataView>
          </Card>
          <Card title="Pending approvals" flush actions={<a href="/approvals" onClick={(e) => { e.preventDefault(); navigate("/approvals"); }}>Open queue</a>}>
            <DataView resource={pending} empty={{ title: "Nothing waits for a decision" }}>
              {(items) => (
                <ul class="timeline compact">
                  {items.slice(0, 6).map((c) => (
                    <li key={c.id}>
                      <span class="small muted">{ago(c.requestedAt)}</span>
                      <span>
                        <strong>{c.kind === "phase_gate" ? `Enter ${c.targetPhase}` : humanize(c.reason)}</strong>
                        <span class="muted"> · </span>
                        <RunLink id={c.runId}>{c.runTitle ?? c.runId}</RunLink>
                      </span>
                    </li>
                  ))}
                </ul>
              )}
            </DataView>
          </Card>
        </div>
        <div class="grid grid-2">
          <Card title="Token usage, last 14 days">
            <DataView resource={usage} isEmpty={(d) => d.length === 0} empty={{ title: "No usage reported yet", body: <p>Agents report tokens with <code>report_usage</code>.</p> }}>
              {(days) => <UsageChart days={days} label="Input and output tokens per day" />}
            </DataView>
          </Card>
          <Card title="Recent violations and drift" flush>
            <DataView resource={signals} empty={{ title: "No violations or drift", body: <p>Agents stayed in scope and on script.</p> }}>
              {(events) => (
                <ul class="timeline compact">
                  {events.map((e) => (
                    <li key={e.seq}>
                      <span class="small muted">{ago(Date.parse(e.at))}</span>
                      <span class="row">
                        <Pill tone={e.type === "scope.violation" ? "red" : "amber"}>{e.type === "scope.violation" ? "scope violation" : "drift"}</Pill>
                        {e.runId ? <RunLink id={e.runId}>{titles.get(e.runId) ?? "view run"}</RunLink> : null}
                      </span>
                    </li>
                  ))}
                </ul>
              )}
            </DataView>
          </Card>
        </div>
      </div>
    </Onboarding>
  );
}
