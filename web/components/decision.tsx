// Deciding a checkpoint with its evidence in view: what the run did (scope violations, tests,
// changed files) and the approve / reject form with a reason. Used by the approvals queue and the
// run page, so both decide the same way.
import { useState } from "preact/hooks";
import { api, type Checkpoint } from "../api.ts";
import { useAction } from "../hooks.ts";
import { useSession } from "../session.tsx";
import { Banner, Button, Field, PathText, Pill } from "./ui.tsx";

type Evidence = Checkpoint["evidence"];

function Paths({ paths, total }: { paths: readonly string[]; total: number }) {
  if (paths.length === 0) return null;
  return (
    <span class="glob-list">
      {paths.map((p) => <PathText key={p} path={p} />)}
      {total > paths.length ? <span class="muted small">and {total - paths.length} more</span> : null}
    </span>
  );
}

/** The run's evidence as a short list a person reads before deciding. */
export function EvidenceList({ evidence: e }: { evidence: Evidence }) {
  const tests = e.tests === 0
    ? <Pill tone="amber">no tests reported</Pill>
    : e.lastTestExitCode === 0
      ? <Pill tone="green">last test run passed</Pill>
      : <Pill tone="red">last test run failed (exit {e.lastTestExitCode})</Pill>;
  return (
    <dl class="props evidence" aria-label="Evidence">
      <dt>Scope</dt>
      <dd>
        {e.scopeViolations === 0 ? <Pill tone="green">no scope violations</Pill> : <Pill tone="red">{e.scopeViolations} scope violation{e.scopeViolations === 1 ? "" : "s"}</Pill>}
        {e.drift > 0 ? <> <Pill tone="amber">{e.drift} drift signal{e.drift === 1 ? "" : "s"}</Pill></> : null}
        <Paths paths={e.violationPaths} total={e.violationPaths.length} />
      </dd>
      <dt>Tests</dt>
      <dd>
        {tests}
        {e.tests > 0 ? <span class="muted small"> {e.failedTests} of {e.tests} test run{e.tests === 1 ? "" : "s"} failed</span> : null}
        {e.failedBuilds > 0 ? <span class="muted small"> · {e.failedBuilds} failed build{e.failedBuilds === 1 ? "" : "s"}</span> : null}
      </dd>
      <dt>Changed files</dt>
      <dd>
        {e.changedFiles === 0 ? <span class="muted">none reported</span> : <span>{e.changedFiles}</span>}
        <Paths paths={e.changedPaths} total={e.changedFiles} />
      </dd>
    </dl>
  );
}

/** Why the viewer cannot decide, or the form to decide (reason required). */
export function DecisionForm({ checkpoint: c, ownerId, onDecided }: { checkpoint: Pick<Checkpoint, "id" | "requiredRole" | "canDecide" | "status">; ownerId: string; onDecided: () => void }) {
  const session = useSession();
  const [reason, setReason] = useState("");
  const [missing, setMissing] = useState(false);
  const approve = useAction(() => api.approve(c.id, reason.trim()));
  const reject = useAction(() => api.reject(c.id, reason.trim()));
  if (c.status !== "pending") return null;
  if (!session.can("checkpoints.decide")) return <p class="muted small">Your role cannot decide checkpoints; a {c.requiredRole} or above will.</p>;
  if (ownerId === session.me.user.id) return <Banner tone="info" role="status">You own this run; another lead must decide. (Four eyes: nobody approves their own agent's work.)</Banner>;
  if (!c.canDecide) return <Banner tone="info" role="status">This checkpoint needs a {c.requiredRole} or above to decide.</Banner>;
  const decide = async (which: "approve" | "reject") => {
    if (!reason.trim()) {
      setMissing(true);
      return;
    }
    setMissing(false);
    const ok = await (which === "approve" ? approve : reject).run();
    if (ok) {
      session.announce(which === "approve" ? "Checkpoint approved" : "Checkpoint rejected");
      onDecided();
    }
  };
  const error = approve.error ?? reject.error;
  return (
    <form class="form" onSubmit={(e) => { e.preventDefault(); void decide("approve"); }}>
      {error ? <Banner tone="error">{error}</Banner> : null}
      <Field label="Reason" hint="Required. The agent receives it with the decision; at most 500 characters." error={missing ? "Give a reason for your decision." : null}>
        {(p) => <textarea {...p} maxLength={500} rows={2} value={reason} onInput={(e) => { setReason(e.currentTarget.value); setMissing(false); approve.clear(); reject.clear(); }} />}
      </Field>
      <div class="row">
        <Button type="submit" variant="success" disabled={approve.busy || reject.busy}>Approve</Button>
        <Button variant="danger" disabled={approve.busy || reject.busy} onClick={() => void decide("reject")}>Reject</Button>
      </div>
    </form>
  );
}
