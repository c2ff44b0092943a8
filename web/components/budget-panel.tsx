// A project's token budgets (DESIGN §13) on its page: this month's usage against the monthly
// budget, the default per-run budget, the 80%/100% notices, and the cost per model at the owner's
// prices. Owners and admins change the budgets here.
import { useState } from "preact/hooks";
import { request } from "../api.ts";
import type { BudgetView } from "../../src/core/budget/schemas.ts";
import { DataView } from "./data-view.tsx";
import { Banner, Button, Card, Field, Pill } from "./ui.tsx";
import { formatDate } from "../format.ts";
import { useAction, useResource } from "../hooks.ts";
import { useLive } from "../live.ts";

const budgetApi = {
  get: (slug: string) => request<{ budget: BudgetView }>("GET", `/api/projects/${encodeURIComponent(slug)}/budget`).then((r) => r.budget),
  put: (slug: string, body: { monthlyTokens: number | null; runTokens: number | null }) => request<{ budget: BudgetView }>("PUT", `/api/projects/${encodeURIComponent(slug)}/budget`, body),
};

const tokens = (n: number | null) => (n === null ? "no limit" : n.toLocaleString("en"));
const parse = (text: string): number | null => (text.trim() === "" ? null : Number(text.replace(/[\s,_]/g, "")));

export function BudgetPanel({ slug }: { slug: string }) {
  const budget = useResource(() => budgetApi.get(slug), [slug]);
  useLive((e) => e.type.startsWith("budget.") || e.type === "usage.reported", budget.reload);
  const [editing, setEditing] = useState(false);
  return (
    <Card title="Token budget" id="budget" actions={budget.data?.canEdit && !editing ? <Button size="small" onClick={() => setEditing(true)}>Edit</Button> : null}>
      <DataView resource={budget} isEmpty={() => false}>
        {(b) => (editing ? <BudgetForm budget={b} onDone={() => { setEditing(false); budget.reload(); }} /> : <BudgetSummary budget={b} />)}
      </DataView>
    </Card>
  );
}

function BudgetSummary({ budget: b }: { budget: BudgetView }) {
  const pct = b.percent ?? 0;
  const tone = pct >= 100 ? "red" : pct >= 80 ? "amber" : "green";
  const cost = b.models.reduce((sum, m) => sum + (m.cost ?? 0), 0);
  return (
    <div class="stack">
      {pct >= 80 ? <Banner tone={pct >= 100 ? "error" : "warn"} role="status">This month's budget is at {pct}%{pct >= 100 ? ": runs wait on a budget checkpoint a lead approves." : "; owners, admins and leads were notified."}</Banner> : null}
      <p class="small">
        <strong>{b.month}</strong> (UTC): {tokens(b.usedTokens)} of {tokens(b.monthlyTokens)} tokens {b.percent !== null ? <Pill plain tone={tone}>{pct}%</Pill> : null}
        {" · "}per run: {tokens(b.runTokens)} <span class="muted">(input + output tokens)</span>
      </p>
      {b.percent !== null ? <progress max={100} value={Math.min(100, pct)} aria-label="Share of this month's budget used" /> : null}
      {b.models.length ? (
        <div class="table-wrap">
          <table>
            <thead><tr><th>Model</th><th>Input</th><th>Output</th><th>Cache</th><th>Cost</th></tr></thead>
            <tbody>
              {b.models.map((m) => (
                <tr key={m.model}><td class="mono">{m.model}</td><td>{tokens(m.inputTokens)}</td><td>{tokens(m.outputTokens)}</td><td>{tokens(m.cacheTokens)}</td><td>{m.cost === null ? <span class="muted">no price set</span> : `${m.cost.toFixed(2)} ${b.currency}`}</td></tr>
              ))}
            </tbody>
          </table>
          <p class="muted small">This month: {cost.toFixed(2)} {b.currency} at the owner's prices (Settings → Prices).</p>
        </div>
      ) : null}
      {b.notices.length ? (
        <ul class="small">
          {b.notices.map((n) => <li key={`${n.scope}${n.runId}${n.percent}${n.at}`}>{formatDate(n.at)}: {n.scope === "run" ? <>run <a href={`/runs/${n.runId}`}>{n.runId}</a></> : "the project"} reached {n.percent}% of {tokens(n.limitTokens)}</li>)}
        </ul>
      ) : null}
    </div>
  );
}

function BudgetForm({ budget: b, onDone }: { budget: BudgetView; onDone: () => void }) {
  const [monthly, setMonthly] = useState(b.monthlyTokens === null ? "" : String(b.monthlyTokens));
  const [run, setRun] = useState(b.runTokens === null ? "" : String(b.runTokens));
  const save = useAction(() => budgetApi.put(b.project.slug, { monthlyTokens: parse(monthly), runTokens: parse(run) }));
  return (
    <form class="stack" onSubmit={async (e) => { e.preventDefault(); if (await save.run()) onDone(); }}>
      {save.error ? <Banner tone="error">{save.error}</Banner> : null}
      <Field label="Tokens per month (UTC)" hint="Empty: no limit. At 80% owners, admins and leads are notified; at 100% runs wait on a budget checkpoint.">{(f) => <input {...f} inputMode="numeric" value={monthly} onInput={(e) => setMonthly(e.currentTarget.value)} />}</Field>
      <Field label="Tokens per run (default)" hint="Empty: no limit. Approving a run's budget checkpoint raises that run's budget.">{(f) => <input {...f} inputMode="numeric" value={run} onInput={(e) => setRun(e.currentTarget.value)} />}</Field>
      <div class="row"><Button type="submit" variant="primary" disabled={save.busy}>Save</Button><Button onClick={onDone}>Cancel</Button></div>
    </form>
  );
}
