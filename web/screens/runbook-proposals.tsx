// Runbooks → Proposals: runbook patches the ritual miner found in the audit trail (DESIGN §13),
// each with its diff and evidence; a lead or above approves (publishes) or dismisses (muted for the
// window). A weakening change needs a second person; the server says who may do what.
import { useState } from "preact/hooks";
import { request } from "../api.ts";
import type { ProposalView } from "../../src/core/miner/schemas.ts";
import { DataView } from "../components/data-view.tsx";
import { Banner, Button, Card, Field, Pill } from "../components/ui.tsx";
import { formatDate } from "../format.ts";
import { useAction, useResource } from "../hooks.ts";
import { useLive } from "../live.ts";
import { useSession } from "../session.tsx";
import { diffLines, phaseLines } from "./runbooks.tsx";

const proposalsApi = {
  list: () => request<{ proposals: ProposalView[] }>("GET", "/api/runbook-proposals?status=open").then(async (open) => {
    const second = await request<{ proposals: ProposalView[] }>("GET", "/api/runbook-proposals?status=awaiting_second");
    return [...second.proposals, ...open.proposals];
  }),
  decide: (id: string, action: "approve" | "dismiss", reason: string) =>
    request<{ proposal: ProposalView }>("POST", `/api/runbook-proposals/${encodeURIComponent(id)}/${action}`, reason ? { reason } : {}),
};

const RULES: Record<ProposalView["rule"], string> = {
  gate_evidence: "Same gate refused for the same missing evidence",
  drift_phase: "Same drift in the same phase",
  scope_exception: "Same scope exception for the same module",
  failing_build: "Same failing build before a phase",
};

/** The proposals card of the Runbooks screen (leads, admins and owners). */
export function RunbookProposals() {
  const { can } = useSession();
  const allowed = can("runbooks.edit");
  const list = useResource(() => (allowed ? proposalsApi.list() : Promise.resolve([])), [allowed]);
  useLive((e) => e.type.startsWith("runbook_proposal.") || e.type === "miner.pass_completed", list.reload);
  if (!allowed) return null;
  return (
    <Card title="Proposals from the ritual miner" id="runbook-proposals">
      <div class="stack">
        <p class="muted small">Patterns repeated across runs and people in the audit trail, each turned into a runbook patch with its evidence. Approving publishes a new version (runs in flight keep theirs); dismissing mutes the pattern for the miner's window.</p>
        <DataView resource={list} isEmpty={(d) => d.length === 0} empty={{ title: "No open proposals", body: "The miner looks at the trail every hour (or run railyard miner run)." }}>
          {(items) => <div class="stack">{items.map((p) => <Proposal key={p.id} proposal={p} onDone={list.reload} />)}</div>}
        </DataView>
      </div>
    </Card>
  );
}

function Proposal({ proposal: p, onDone }: { proposal: ProposalView; onDone: () => void }) {
  const [reason, setReason] = useState("");
  const approve = useAction(() => proposalsApi.decide(p.id, "approve", reason.trim()));
  const dismiss = useAction(() => proposalsApi.decide(p.id, "dismiss", reason.trim()));
  const error = approve.error ?? dismiss.error;
  const e = p.evidence;
  return (
    <article class="proposal stack" aria-label={`Proposal: ${RULES[p.rule]}`}>
      <h3 class="small">
        {RULES[p.rule]} {p.weakening ? <Pill plain tone="amber">{p.status === "awaiting_second" ? "awaiting a second person" : "loosens the process: two people"}</Pill> : <Pill plain tone="green">tightens</Pill>}
      </h3>
      {error ? <Banner tone="error">{error}</Banner> : null}
      <ul class="small">{p.changes.map((c) => <li key={c}>{c}</li>)}</ul>
      {p.before && p.after ? (
        <pre class="diff" aria-label={`Patch against ${p.runbook?.name ?? "the runbook"} v${p.baseVersion ?? "?"}`}>
          {diffLines(phaseLines(p.before), phaseLines(p.after)).map((line, i) => (
            <div key={i} class={line.kind}>{line.kind === "add" ? "+ " : line.kind === "del" ? "- " : "  "}{line.text}</div>
          ))}
        </pre>
      ) : null}
      {p.module ? (
        <pre class="diff" aria-label={`Module ${p.module.name} for ${p.module.role}`}>
          <div class="del">- {p.project?.slug}/{p.module.name}  {p.module.role}: {p.module.from}</div>
          <div class="add">+ {p.project?.slug}/{p.module.name}  {p.module.role}: {p.module.to}</div>
        </pre>
      ) : null}
      <p class="small">
        <strong>Evidence:</strong> {e.occurrences} times in {e.runCount} runs of {e.people} people, first {formatDate(e.firstSeen)}, last {formatDate(e.lastSeen)}
        {" "}(thresholds: {e.minRuns} runs, {e.minPeople} people, {e.windowDays} days).
      </p>
      <p class="small mono">{e.runs.slice(0, 10).map((id) => <a key={id} href={`/runs/${id}`}>{id} </a>)}{e.runs.length > 10 ? `and ${e.runs.length - 10} more` : ""}</p>
      {p.canApprove || p.canDismiss ? (
        <div class="row">
          <Field label="Reason (optional)">{(f) => <input {...f} value={reason} maxLength={500} onInput={(ev) => setReason(ev.currentTarget.value)} />}</Field>
          {p.canApprove ? <Button variant="primary" disabled={approve.busy} onClick={async () => { if (await approve.run()) onDone(); }}>{p.weakening && p.status === "open" ? "Approve (first of two)" : "Approve and publish"}</Button> : null}
          {p.canDismiss ? <Button disabled={dismiss.busy} onClick={async () => { if (await dismiss.run()) onDone(); }}>Dismiss</Button> : null}
        </div>
      ) : <p class="muted small">You gave the first approval: another lead, admin or owner must give the second.</p>}
    </article>
  );
}
