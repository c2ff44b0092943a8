// The approvals queue: pending checkpoints with approve / reject and a reason. Leads and above
// decide, never on their own runs (four eyes); the server enforces both, this screen explains them.
import { useState } from "preact/hooks";
import { api, type Checkpoint, type Role } from "../api.ts";
import { DataView } from "../components/data-view.tsx";
import { Banner, Button, Card, Field, PageHeader, Pill, StatusPill, Tabs } from "../components/ui.tsx";
import { ago, formatDate, humanize } from "../format.ts";
import { useAction, usePaged } from "../hooks.ts";
import { isCheckpointEvent, useLive } from "../live.ts";
import { useSession } from "../session.tsx";
import { RunLink } from "./runs.tsx";

const RANK: Record<Role, number> = { owner: 4, admin: 3, lead: 2, developer: 1, auditor: 0 };

export function ApprovalsScreen() {
  const [status, setStatus] = useState<"pending" | "approved" | "rejected" | "expired">("pending");
  // Pending: soonest-expiring first (the server sorts and pages); the total counts every one.
  const list = usePaged<Checkpoint>((cursor) => api.checkpoints(status, cursor).then((p) => ({ items: p.checkpoints, total: p.total, nextCursor: p.nextCursor })), [status]);
  useLive(isCheckpointEvent, list.reload);
  const { can } = useSession();
  return (
    <>
      <PageHeader
        title="Approvals"
        description={can("checkpoints.decide") ? "Agents wait here before gated phases and risky steps. You cannot decide on runs you own." : "Checkpoints waiting for a lead, admin or owner. Your role can follow them but not decide."}
      />
      <Tabs
        label="Checkpoint status"
        value={status}
        onChange={setStatus}
        tabs={[{ id: "pending", label: "Pending" }, { id: "approved", label: "Approved" }, { id: "rejected", label: "Rejected" }, { id: "expired", label: "Expired" }]}
      />
      <DataView resource={list} empty={{ title: status === "pending" ? "Nothing waits for a decision" : `No ${status} checkpoints`, body: status === "pending" ? <p>New requests appear here without a reload.</p> : undefined }}>
        {(items) => (
          <div class="stack" aria-live="polite">
            <p class="small muted" role="status">{list.total === undefined ? "" : `${list.total.toLocaleString()} ${status} ${list.total === 1 ? "checkpoint" : "checkpoints"}${list.total > items.length ? `, showing ${items.length.toLocaleString()}${status === "pending" ? ", soonest to expire first" : ""}` : ""}`}</p>
            {items.map((c) => <CheckpointCard key={c.id} checkpoint={c} onDecided={list.reload} />)}
            {list.hasMore ? <div><Button onClick={list.more} disabled={list.loadingMore}>{list.loadingMore ? "Loading…" : "Load more"}</Button></div> : null}
          </div>
        )}
      </DataView>
    </>
  );
}

function CheckpointCard({ checkpoint: c, onDecided }: { checkpoint: Checkpoint; onDecided: () => void }) {
  const session = useSession();
  const [reason, setReason] = useState("");
  const [missing, setMissing] = useState(false);
  const approve = useAction(() => api.approve(c.id, reason.trim()));
  const reject = useAction(() => api.reject(c.id, reason.trim()));
  const ownRun = c.owner.id === session.me.user.id;
  const rankTooLow = RANK[session.role] < (RANK[c.requiredRole as Role] ?? 0);
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
  const title = c.kind === "phase_gate" ? `Enter phase “${c.targetPhase}”` : `Approval: ${humanize(c.reason)}`;
  return (
    <Card
      title={title}
      actions={<><Pill tone="gray" plain>{c.requiredRole}+ decides</Pill><StatusPill status={c.status} /></>}
    >
      <div class="stack">
        <dl class="props">
          <dt>Run</dt>
          <dd><RunLink id={c.runId}>{c.runTitle ?? c.runId}</RunLink></dd>
          <dt>Owner</dt>
          <dd>{c.owner.name}{ownRun ? " (you)" : ""}</dd>
          <dt>Requested</dt>
          <dd>{ago(c.requestedAt)}{c.status === "pending" ? <span class="muted"> · expires {formatDate(c.expiresAt)}</span> : null}</dd>
          {c.summary ? <><dt>Summary</dt><dd>{c.summary}</dd></> : null}
          {c.status !== "pending" ? <><dt>Decision</dt><dd>{c.deciderRole ? `${c.deciderRole}: ` : ""}{c.decisionReason || <span class="muted">no reason given</span>}</dd></> : null}
        </dl>
        {c.status === "pending" && session.can("checkpoints.decide") ? (
          ownRun ? (
            <Banner tone="info" role="status">You own this run; another lead must decide. (Four eyes: nobody approves their own agent's work.)</Banner>
          ) : rankTooLow ? (
            <Banner tone="info" role="status">This checkpoint needs a {c.requiredRole} or above to decide.</Banner>
          ) : !c.canDecide ? (
            <Banner tone="info" role="status">You cannot decide this checkpoint.</Banner>
          ) : (
            <form class="form" onSubmit={(e) => { e.preventDefault(); void decide("approve"); }}>
              {error ? <Banner tone="error">{error}</Banner> : null}
              <Field label="Reason" hint="Required. The agent receives it with the decision; at most 500 characters." error={missing ? "Give a reason for your decision." : null}>
                {(p) => <textarea {...p} maxLength={500} rows={2} value={reason} onInput={(e) => setReason(e.currentTarget.value)} />}
              </Field>
              <div class="row">
                <Button type="submit" variant="success" disabled={approve.busy || reject.busy}>Approve</Button>
                <Button variant="danger" disabled={approve.busy || reject.busy} onClick={() => void decide("reject")}>Reject</Button>
              </div>
            </form>
          )
        ) : c.status === "pending" ? (
          <p class="muted small">Your role cannot decide checkpoints; a {c.requiredRole} or above will.</p>
        ) : null}
      </div>
    </Card>
  );
}
