// The approvals queue: pending checkpoints with approve / reject and a reason. Leads and above
// decide, never on their own runs (four eyes); the server enforces both, this screen explains them.
import { useState } from "preact/hooks";
import { api, type Checkpoint } from "../api.ts";
import { DataView } from "../components/data-view.tsx";
import { DecisionForm, EvidenceList } from "../components/decision.tsx";
import { Button, Card, PageHeader, Pill, StatusPill, Tabs } from "../components/ui.tsx";
import { ago, decisionLine, formatDate, humanize } from "../format.ts";
import { usePaged } from "../hooks.ts";
import { isCheckpointEvent, useLive } from "../live.ts";
import { useSession } from "../session.tsx";
import { RunLink } from "./runs.tsx";
import { NotifyToggle } from "../components/notify-toggle.tsx";

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
        actions={can("checkpoints.decide") ? <NotifyToggle /> : null}
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
  const ownRun = c.owner.id === session.me.user.id;
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
          {c.status !== "pending" ? <><dt>Decision</dt><dd><span class="decision">{decisionLine(c.status, c.decider, c.decidedAt)}</span>{c.decisionReason ? <>: “{c.decisionReason}”</> : c.status !== "expired" ? <span class="muted"> (no reason given)</span> : null}</dd></> : null}
        </dl>
        <EvidenceList evidence={c.evidence} />
        <DecisionForm checkpoint={c} ownerId={c.owner.id} onDecided={onDecided} />
      </div>
    </Card>
  );
}
