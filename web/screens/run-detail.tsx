// One run: the phase track, work units, checkpoints, builds, usage, violations and its timeline.
import { api, type RunDetail, type RunStatus } from "../api.ts";
import { DataView } from "../components/data-view.tsx";
import { PhaseTrack } from "../components/phase-track.tsx";
import { Banner, Button, Card, Empty, PageHeader, PathText, Pill, StatusPill } from "../components/ui.tsx";
import { compact, duration, formatDate, formatTime, humanize } from "../format.ts";
import { useAction, useResource } from "../hooks.ts";
import { isRunEvent, useLive } from "../live.ts";
import { navigate } from "../router.ts";
import { eventSummary } from "./audit.tsx";

export function RunDetailScreen({ id }: { id: string }) {
  const run = useResource(() => api.run(id), [id]);
  useLive((e) => e.runId === id && isRunEvent(e), run.reload);
  return (
    <DataView resource={run} isEmpty={() => false}>
      {(r) => <RunView detail={r} onChange={run.reload} />}
    </DataView>
  );
}

function safeHttpUrl(url: string | null | undefined): string | null {
  if (!url) return null;
  try {
    const u = new URL(url);
    return u.protocol === "https:" || u.protocol === "http:" ? u.href : null;
  } catch {
    return null;
  }
}

/** Cancel run / Unblock / Revoke key, as the server says the reader may; each asks first what will happen. */
function RunActions({ detail, onChange }: { detail: RunDetail; onChange: () => void }) {
  const { run } = detail;
  const cancel = useAction(() => api.cancelRun(run.id));
  const unblock = useAction(() => api.unblockRun(run.id));
  const revoke = useAction(() => api.revokeKey(detail.key!.id));
  const act = async (question: string, action: { run: () => Promise<boolean> }) => { if (confirm(question) && (await action.run())) onChange(); };
  const error = cancel.error ?? unblock.error ?? revoke.error;
  return (
    <span class="row">
      <a class="btn" href="/runs" onClick={(e) => { e.preventDefault(); navigate("/runs"); }}>All runs</a>
      {detail.can.unblock ? <Button disabled={unblock.busy} onClick={() => act("Unblock this run? The rejection stays in its history, but the agent may move the run on again without a new approval. This is recorded in the audit log.", unblock)}>Unblock</Button> : null}
      {detail.can.revokeKey ? <Button variant="danger" disabled={revoke.busy} onClick={() => act(`Revoke the plugin key "${detail.key!.name}"? Every agent using it fails on its next call, in this run and any other; it cannot be undone.`, revoke)}>Revoke key</Button> : null}
      {detail.can.cancel ? <Button variant="danger" disabled={cancel.busy} onClick={() => act("Cancel this run? Its pending checkpoints expire, its claimed paths are released, and the agent can change nothing in it any more. This cannot be undone.", cancel)}>Cancel run</Button> : null}
      {error ? <span class="error small" role="alert">{error}</span> : null}
    </span>
  );
}

function RunView({ detail, onChange }: { detail: RunDetail; onChange: () => void }) {
  const { run } = detail;
  const rejected = detail.blocked?.checkpoint ?? null;
  const pr = safeHttpUrl(run.prUrl);
  const pending = detail.checkpoints.filter((c) => c.status === "pending");
  const status = run.status as RunStatus;
  // Files touched outside the editable scope are violations even when no drift signal was raised.
  const violations = detail.files.filter((f) => f.access === "read_only" && f.action !== "read" || f.access === "excluded").map((f) => ({ id: f.id, kind: `${f.action} ${f.access}`, path: f.path, createdAt: f.createdAt }));
  return (
    <div class="stack">
      <PageHeader
        title={run.title}
        description={
          <span class="row">
            <StatusPill status={run.status} />
            <span>{[run.project.slug, run.ticket, `owned by ${run.owner.name}`].filter(Boolean).join(" · ")}</span>
          </span>
        }
        actions={<RunActions detail={detail} onChange={onChange} />}
      />
      {detail.blocked ? (
        <Banner tone="warn" role="status">
          <strong>Blocked.</strong>{" "}
          {rejected
            ? <>Checkpoint {rejected.kind === "phase_gate" ? `into ${rejected.targetPhase}` : `(${humanize(rejected.reason)})`} was rejected by {rejected.decider?.name ?? "a person"}{rejected.decider?.role ? ` (${rejected.decider.role})` : ""} {formatDate(rejected.decidedAt)}: “{rejected.decisionReason}”. </>
            : <>A person blocked this run. </>}
          The agent cannot move on until a lead (not the run's owner) unblocks it, or approves a new checkpoint the agent requests.
        </Banner>
      ) : null}
      {run.summary ? <Card title={run.finishedAt ? "Final summary" : "Summary"}><p>{run.summary}</p></Card> : null}
      <Card title={`${detail.runbook.name} · v${detail.runbook.version}`} actions={<span class="muted small">in {run.phase} since {formatDate(run.phaseEnteredAt)}</span>}>
        <PhaseTrack phases={detail.phases} current={run.phase} status={status} />
        {pending.length > 0 ? (
          <p class="row">
            <Pill tone="amber">waiting for approval</Pill>
            <a href="/approvals" onClick={(e) => { e.preventDefault(); navigate("/approvals"); }}>{pending.length} pending checkpoint{pending.length > 1 ? "s" : ""} in the approvals queue</a>
          </p>
        ) : null}
      </Card>
      <div class="grid grid-2">
        <Card title="Change">
          <dl class="props">
            <dt>Branch</dt>
            <dd>{run.branch ? <code>{run.branch}</code> : <span class="muted">not linked</span>}</dd>
            <dt>Pull request</dt>
            <dd>{pr ? <a href={pr} rel="noreferrer noopener" target="_blank">{pr}</a> : <span class="muted">not linked</span>}</dd>
            <dt>Commit</dt>
            <dd>{run.commitSha ? <code>{run.commitSha.slice(0, 12)}</code> : <span class="muted">—</span>}</dd>
            <dt>Started</dt>
            <dd>{formatDate(run.createdAt)}</dd>
            <dt>Finished</dt>
            <dd>{formatDate(run.finishedAt)}</dd>
          </dl>
        </Card>
        <Card title="Usage">
          <dl class="props">
            <dt>Input tokens</dt>
            <dd>{compact(run.tokens.input)}</dd>
            <dt>Output tokens</dt>
            <dd>{compact(run.tokens.output)}</dd>
            <dt>Cache tokens</dt>
            <dd>{compact(run.tokens.cache)}</dd>
            <dt>Model calls</dt>
            <dd>{run.tokens.calls}</dd>
            <dt>Models</dt>
            <dd>{[...new Set(detail.usage.map((u) => u.model))].join(", ") || <span class="muted">none reported</span>}</dd>
          </dl>
        </Card>
      </div>
      <Card title="Checkpoint history" flush>
        {detail.checkpoints.length === 0 ? (
          <Empty title="No checkpoints">Gated phases and <code>request_approval</code> ask a person here.</Empty>
        ) : (
          <div class="table-wrap">
            <table>
              <thead><tr><th>Checkpoint</th><th>Status</th><th>Decided by</th><th>Reason</th><th>Requested</th><th>Decided</th></tr></thead>
              <tbody>
                {detail.checkpoints.map((c) => (
                  <tr key={c.id}>
                    <td>{c.kind === "phase_gate" ? `gate into ${c.targetPhase}` : humanize(c.reason)}{c.summary ? <div class="sub">{c.summary}</div> : null}</td>
                    <td><StatusPill status={c.status} /></td>
                    <td>{c.decider ? `${c.decider.name ?? "—"} (${c.decider.role})` : <span class="muted">{c.status === "pending" ? `needs a ${c.requiredRole}` : "—"}</span>}</td>
                    <td>{c.decisionReason ?? <span class="muted">—</span>}</td>
                    <td>{formatDate(c.requestedAt)}</td>
                    <td>{formatDate(c.decidedAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Card>
      <Card title="Work units" flush>
        {detail.workUnits.length === 0 ? (
          <Empty title="No plan yet">The agent's <code>plan_work</code> call lists its work units here.</Empty>
        ) : (
          <div class="table-wrap">
            <table>
              <thead><tr><th>Unit</th><th>Status</th><th>Paths</th></tr></thead>
              <tbody>
                {detail.workUnits.map((u) => (
                  <tr key={u.id}>
                    <td>{u.title ?? <span class="masked">masked for your role</span>}{u.note ? <div class="sub">{u.note}</div> : null}</td>
                    <td><StatusPill status={u.status} /></td>
                    <td><span class="glob-list">{u.paths.slice(0, 6).map((p) => <PathText path={p} key={p} />)}{u.paths.length > 6 ? <span class="muted">+{u.paths.length - 6}</span> : null}</span></td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Card>
      <div class="grid grid-2">
        <Card title="Builds" flush>
          {detail.builds.length === 0 ? (
            <Empty title="No builds reported" />
          ) : (
            <div class="table-wrap">
              <table>
                <thead><tr><th>Kind</th><th>Phase</th><th>Result</th><th class="num">Duration</th></tr></thead>
                <tbody>
                  {detail.builds.map((b) => (
                    <tr key={b.id}>
                      <td>{b.kind}<div class="sub">{formatTime(b.createdAt)}</div></td>
                      <td>{b.phase}</td>
                      <td>{b.exitCode === 0 ? <Pill tone="green">passed</Pill> : <Pill tone="red">exit {b.exitCode}</Pill>}</td>
                      <td class="num">{duration(b.durationMs)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </Card>
        <Card title="Violations and drift" flush>
          {detail.drift.length === 0 && violations.length === 0 ? (
            <Empty title="None">The agent stayed inside its scope and its runbook.</Empty>
          ) : (
            <div class="table-wrap">
              <table>
                <thead><tr><th>Kind</th><th>Path</th><th>When</th></tr></thead>
                <tbody>
                  {[...detail.drift, ...violations].map((v) => (
                    <tr key={v.id}>
                      <td><Pill tone="red">{humanize(v.kind)}</Pill></td>
                      <td>{v.path ? <PathText path={v.path} /> : <span class="muted">—</span>}</td>
                      <td>{formatTime(v.createdAt)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </Card>
      </div>
      <Card title="Claims" flush>
        {detail.claims.length === 0 ? (
          <Empty title="No claims">A run claims the paths it plans or changes while it is active, so parallel agents do not collide.</Empty>
        ) : (
          <div class="table-wrap">
            <table>
              <thead><tr><th>Path</th><th>From</th><th>State</th><th class="hide-narrow">Since</th></tr></thead>
              <tbody>
                {detail.claims.map((c) => (
                  <tr key={`${c.path}-${c.claimedAt}`}>
                    <td><PathText path={c.path} /></td>
                    <td>{c.source === "plan" ? "plan" : `report (${c.source})`}</td>
                    <td>{c.endedAt === null ? <Pill tone="green">held</Pill> : <span class="muted">ended ({humanize(c.endReason ?? "")}) {formatTime(c.endedAt)}</span>}</td>
                    <td class="hide-narrow nowrap">{formatTime(c.claimedAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Card>
      <Card title="Files reported" flush>
        {detail.files.length === 0 ? (
          <Empty title="No files reported">Agents report the paths they read and change with <code>report_files</code>.</Empty>
        ) : (
          <div class="table-wrap">
            <table>
              <thead><tr><th>Path</th><th>Action</th><th>Access</th><th class="hide-narrow">When</th></tr></thead>
              <tbody>
                {detail.files.map((f) => (
                  <tr key={f.id}>
                    <td><PathText path={f.path!} /></td>
                    <td>{f.action}</td>
                    <td><StatusPill status={f.access} /></td>
                    <td class="hide-narrow nowrap">{formatTime(f.createdAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Card>
      <Card title="Timeline" flush>
        {detail.events.length === 0 ? (
          <Empty title="No events" />
        ) : (
          <ol class="timeline" aria-label="Run timeline">
            {[...detail.events].reverse().map((e) => (
              <li key={e.seq}>
                <time dateTime={new Date(e.at).toISOString()}>{formatDate(e.at)}</time>
                <span>{eventSummary({ ...e, subject: null })}</span>
              </li>
            ))}
          </ol>
        )}
      </Card>
    </div>
  );
}
