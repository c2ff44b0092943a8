// Runbooks: versions (immutable), an editor that publishes a new version, and a diff between two.
import { useEffect, useState } from "preact/hooks";
import { api, type Phase, type PhaseInput, type Role, type RunbookChange, type RunbookDetail } from "../api.ts";
import { DataView } from "../components/data-view.tsx";
import { PhaseTrack } from "../components/phase-track.tsx";
import { Banner, Button, Card, Field, PageHeader, Pill } from "../components/ui.tsx";
import { formatDate } from "../format.ts";
import { useAction, useResource } from "../hooks.ts";
import { useLive } from "../live.ts";
import { useSession } from "../session.tsx";
import { RunbookProposals } from "./runbook-proposals.tsx";

const GATE_ROLES: Role[] = ["lead", "admin", "owner"];
const EXITS = ["passing_test", "passing_build", "passing_lint"] as const;

/** One line per phase, the text the diff compares. */
export function phaseLines(phases: readonly Phase[]): string[] {
  return phases.map((p) => [p.name, p.gate ? `gate: ${p.gate.minRole}+` : null, p.exit ? `exit: ${p.exit.requires}` : null].filter(Boolean).join("  "));
}

/** Line diff (longest common subsequence); runbooks are at most 20 phases, so O(n·m) is fine. */
export function diffLines(a: readonly string[], b: readonly string[]): { kind: "same" | "add" | "del"; text: string }[] {
  const n = a.length;
  const m = b.length;
  const lcs: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  const out: { kind: "same" | "add" | "del"; text: string }[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) {
      out.push({ kind: "same", text: a[i]! });
      i++;
      j++;
    } else if (j < m && (i === n || lcs[i]![j + 1]! > lcs[i + 1]![j]!)) out.push({ kind: "add", text: b[j++]! });
    else out.push({ kind: "del", text: a[i++]! });
  }
  return out;
}

export function RunbooksScreen() {
  const list = useResource(() => api.runbooks(), []);
  const [selected, setSelected] = useState<string | null>(null);
  const id = selected ?? list.data?.[0]?.id ?? null;
  return (
    <>
      <PageHeader title="Runbooks" description="Your team's process as phases. Versions are immutable: a run stays on the version it started with." />
      <RunbookProposals />
      <DataView resource={list} empty={{ title: "No runbooks", body: <p>The default runbook is created when the server starts.</p> }}>
        {(books) => (
          <div class="stack">
            {books.length > 1 ? (
              <div class="picker">
              <Field label="Runbook">
                {(p) => (
                  <select {...p} value={id ?? ""} onChange={(e) => setSelected(e.currentTarget.value)}>
                    {books.map((b) => <option key={b.id} value={b.id}>{b.name}</option>)}
                  </select>
                )}
              </Field>
              </div>
            ) : null}
            {id ? <RunbookView id={id} /> : null}
          </div>
        )}
      </DataView>
    </>
  );
}

function RunbookView({ id }: { id: string }) {
  const book = useResource(() => api.runbook(id), [id]);
  useLive((e) => e.type.startsWith("runbook."), book.reload);
  const { can } = useSession();
  const [editing, setEditing] = useState(false);
  return (
    <DataView resource={book} isEmpty={() => false}>
      {(b) => (editing ? <Editor book={b} onDone={() => { setEditing(false); book.reload(); }} /> : (
        <div class="stack">
          {b.pendingChanges.map((c) => <PendingChange key={c.id} book={b} change={c} onDone={book.reload} />)}
          <Versions book={b} onEdit={can("runbooks.edit") ? () => setEditing(true) : null} />
        </div>
      ))}
    </DataView>
  );
}

/**
 * A proposed version that loosens the process: it is published only when a second person approves
 * it (DESIGN §13). Its proposer may withdraw it; the server says who may do what.
 */
function PendingChange({ book, change, onDone }: { book: RunbookDetail; change: RunbookChange; onDone: () => void }) {
  const [reason, setReason] = useState("");
  const approve = useAction(() => api.approveRunbookChange(book.id, change.id, reason.trim()));
  const reject = useAction(() => api.rejectRunbookChange(book.id, change.id, reason.trim()));
  const base = book.versions.find((v) => v.id === change.baseVersionId);
  const error = approve.error ?? reject.error;
  return (
    <Card title={<>Pending change <Pill plain tone="amber">needs a second person</Pill></>}>
      <div class="stack">
        {error ? <Banner tone="error">{error}</Banner> : null}
        <p class="small">This version loosens the process, so it waits for approval by another lead, admin or owner:</p>
        <ul class="small">{change.loosenings.map((l) => <li key={l}>{l}</li>)}</ul>
        {base ? (
          <pre class="diff" aria-label={`Changes proposed against v${base.version}`}>
            {diffLines(phaseLines(base.phases), phaseLines(change.phases)).map((line, i) => (
              <div key={i} class={line.kind}>{line.kind === "add" ? "+ " : line.kind === "del" ? "- " : "  "}{line.text}</div>
            ))}
          </pre>
        ) : null}
        <p class="muted small">Proposed {formatDate(change.proposedAt)}{change.canApprove ? "" : change.canReject ? " by you: somebody else must approve it." : "."}</p>
        {change.canApprove || change.canReject ? (
          <form class="form" onSubmit={(e) => e.preventDefault()}>
            <Field label="Reason (optional)">{(f) => <input {...f} maxLength={500} value={reason} onInput={(e) => setReason(e.currentTarget.value)} />}</Field>
            <div class="row">
              {change.canApprove ? <Button variant="primary" disabled={approve.busy} onClick={async () => { if (await approve.run()) onDone(); }}>Approve and publish</Button> : null}
              {change.canReject ? <Button variant="danger" disabled={reject.busy} onClick={async () => { if (await reject.run()) onDone(); }}>{change.canApprove ? "Reject" : "Withdraw"}</Button> : null}
            </div>
          </form>
        ) : null}
      </div>
    </Card>
  );
}

function Versions({ book, onEdit }: { book: RunbookDetail; onEdit: (() => void) | null }) {
  const latest = book.versions[0];
  const [from, setFrom] = useState(book.versions[1]?.version ?? latest?.version ?? 1);
  const [to, setTo] = useState(latest?.version ?? 1);
  useEffect(() => {
    setFrom(book.versions[1]?.version ?? book.versions[0]?.version ?? 1);
    setTo(book.versions[0]?.version ?? 1);
  }, [book]);
  if (!latest) return null;
  const a = book.versions.find((v) => v.version === from);
  const b = book.versions.find((v) => v.version === to);
  return (
    <div class="stack">
      <Card title={<>{book.name} <Pill plain tone="accent">v{latest.version}</Pill></>} actions={onEdit ? <Button variant="primary" onClick={onEdit}>Edit phases</Button> : null}>
        <PhaseTrack phases={latest.phases} current={latest.phases.at(-1)?.name ?? ""} status="completed" />
        <ul class="muted small">
          {latest.phases.map((p) => (
            <li key={p.name}><strong>{p.name}</strong>{p.gate ? ` — entering needs approval by ${p.gate.minRole === "admin" ? "an" : "a"} ${p.gate.minRole} or above` : ""}{p.exit ? ` — leaving needs a ${p.exit.requires.replace("_", " ")} report` : ""}</li>
          ))}
        </ul>
      </Card>
      <div class="grid grid-2">
        <Card title="Versions" flush>
          <div class="table-wrap">
            <table>
              <thead><tr><th>Version</th><th>Phases</th><th>Published</th></tr></thead>
              <tbody>
                {book.versions.map((v) => (
                  <tr key={v.id}>
                    <td>v{v.version}</td>
                    <td>{v.phases.map((p) => p.name).join(" → ")}</td>
                    <td>{formatDate(v.createdAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </Card>
        <Card title="Compare versions">
          <div class="form-row">
            <Field label="From">{(p) => <select {...p} value={from} onChange={(e) => setFrom(Number(e.currentTarget.value))}>{book.versions.map((v) => <option key={v.id} value={v.version}>v{v.version}</option>)}</select>}</Field>
            <Field label="To">{(p) => <select {...p} value={to} onChange={(e) => setTo(Number(e.currentTarget.value))}>{book.versions.map((v) => <option key={v.id} value={v.version}>v{v.version}</option>)}</select>}</Field>
          </div>
          {a && b ? (
            <pre class="diff" aria-label={`Changes from v${from} to v${to}`}>
              {diffLines(phaseLines(a.phases), phaseLines(b.phases)).map((line, i) => (
                <div key={i} class={line.kind}>{line.kind === "add" ? "+ " : line.kind === "del" ? "- " : "  "}{line.text}</div>
              ))}
            </pre>
          ) : null}
        </Card>
      </div>
    </div>
  );
}

function Editor({ book, onDone }: { book: RunbookDetail; onDone: () => void }) {
  const [phases, setPhases] = useState<PhaseInput[]>(() => (book.versions[0]?.phases ?? []).map((p) => ({ name: p.name, gate: p.gate, exit: p.exit })));
  const publish = useAction(() => api.publishRunbook(book.id, phases));
  const update = (i: number, patch: Partial<PhaseInput>) => setPhases(phases.map((p, j) => (j === i ? { ...p, ...patch } : p)));
  const move = (i: number, by: number) => {
    const next = [...phases];
    const [item] = next.splice(i, 1);
    next.splice(i + by, 0, item!);
    setPhases(next);
  };
  return (
    <Card title={`Edit ${book.name}`} actions={<span class="muted small">Publishing creates v{(book.versions[0]?.version ?? 0) + 1}; running runs keep their version.</span>}>
      <form class="form" onSubmit={async (e) => { e.preventDefault(); if (await publish.run()) onDone(); }}>
        <p class="muted small">Removing a gate, lowering its approver role or dropping exit evidence waits for a second person's approval; tightening applies at once.</p>
        {publish.error ? <Banner tone="error">{publish.error}</Banner> : null}
        {phases.map((p, i) => (
          <fieldset class="form-row" key={i}>
            <legend class="sr-only">Phase {i + 1}</legend>
            <Field label={`Phase ${i + 1} name`}>{(f) => <input {...f} required maxLength={40} pattern="[a-z][a-z0-9_\-]*" value={p.name} onInput={(e) => update(i, { name: e.currentTarget.value })} />}</Field>
            <Field label="Entry gate">
              {(f) => (
                <select {...f} value={p.gate?.minRole ?? ""} onChange={(e) => update(i, { gate: e.currentTarget.value ? { minRole: e.currentTarget.value as "lead" } : null })}>
                  <option value="">none</option>
                  {GATE_ROLES.map((r) => <option key={r} value={r}>{r} or above approves</option>)}
                </select>
              )}
            </Field>
            <Field label="Exit evidence">
              {(f) => (
                <select {...f} value={p.exit?.requires ?? ""} onChange={(e) => update(i, { exit: e.currentTarget.value ? { requires: e.currentTarget.value as (typeof EXITS)[number] } : null })}>
                  <option value="">none</option>
                  {EXITS.map((x) => <option key={x} value={x}>{x.replace("_", " ")}</option>)}
                </select>
              )}
            </Field>
            <div class="row">
              <Button size="small" disabled={i === 0} onClick={() => move(i, -1)} aria-label={`Move phase ${i + 1} up`}>↑</Button>
              <Button size="small" disabled={i === phases.length - 1} onClick={() => move(i, 1)} aria-label={`Move phase ${i + 1} down`}>↓</Button>
              <Button size="small" variant="danger" disabled={phases.length === 1} onClick={() => setPhases(phases.filter((_, j) => j !== i))} aria-label={`Remove phase ${i + 1}`}>Remove</Button>
            </div>
          </fieldset>
        ))}
        <div class="row">
          <Button disabled={phases.length >= 20} onClick={() => setPhases([...phases, { name: "", gate: null, exit: null }])}>Add phase</Button>
          <span class="spacer" />
          <Button onClick={onDone}>Cancel</Button>
          <Button type="submit" variant="primary" disabled={publish.busy}>Publish new version</Button>
        </div>
      </form>
    </Card>
  );
}
