// One run: the phase track, work units, checkpoints, builds, usage, violations and its timeline.
import { api, type RunDetail, type RunStatus } from "../api.ts";
import { DataView } from "../components/data-view.tsx";
import { PhaseTrack } from "../components/phase-track.tsx";
import { Banner, Button, Card, Empty, PageHeader, PathText, Pill, StatusPill } from "../components/ui.tsx";
import { DecisionForm, EvidenceList } from "../components/decision.tsx";
import { compact, decisionLine, duration, humanize } from "../format.ts";
import { Stamp } from "../components/stamp.tsx";
import { RunEventLine } from "../components/run-event.tsx";
import { useSort } from "../components/sortable.tsx";
import { useAction, useResource } from "../hooks.ts";
import { isRunEvent, useLive } from "../live.ts";
import { navigate } from "../router.ts";
import { useConfirm, type ConfirmOptions } from "../components/confirm.tsx";
import { useSession } from "../session.tsx";

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

/**
 * Cancel run / Unblock / Revoke key, as the server says the reader may; each asks first in a dialog
 * that says what will happen (a native confirm() cannot be styled, named or tested), then says what
 * it did.
 */
function RunActions({ detail, onChange }: { detail: RunDetail; onChange: () => void }) {
  const { run } = detail;
  const { announce } = useSession();
  const confirm = useConfirm();
  const cancel = useAction(() => api.cancelRun(run.id));
  const unblock = useAction(() => api.unblockRun(run.id));
  const revoke = useAction(() => api.revokeKey(detail.key!.id));
  const act = async (options: ConfirmOptions, action: { run: () => Promise<boolean> }, done: string) => {
    if (!(await confirm.ask(options)) || !(await action.run())) return;
    announce(done);
    onChange();
  };
  const error = cancel.error ?? unblock.error ?? revoke.error;
  return (
    <span class="row">
      <a class="btn" href="/runs" onClick={(e) => { e.preventDefault(); navigate("/runs"); }}>All runs</a>
      {detail.can.unblock ? (
        <Button disabled={unblock.busy} onClick={() => act({
          title: "Unblock this run?", confirm: "Unblock run", tone: "primary",
          body: <p>The rejection stays in the run's history, but the agent may move the run on again without a new approval. This is recorded in the audit log under your name.</p>,
        }, unblock, "Run unblocked.")}>Unblock</Button>
      ) : null}
      {detail.can.revokeKey ? (
        <Button variant="danger" disabled={revoke.busy} onClick={() => act({
          title: `Revoke the key “${detail.key!.name}”?`, confirm: "Revoke key",
          body: <p>Every agent using this plugin key fails on its next call, in this run and in any other. This cannot be undone: its owner creates a new key to go on.</p>,
        }, revoke, `Key “${detail.key!.name}” revoked.`)}>Revoke key</Button>
      ) : null}
      {detail.can.cancel ? (
        <Button variant="danger" disabled={cancel.busy} onClick={() => act({
          title: "Cancel this run?", confirm: "Cancel run",
          body: <p>Its pending checkpoints expire, its claimed paths are released, and the agent can change nothing in it any more. This cannot be undone.</p>,
        }, cancel, "Run cancelled.")}>Cancel run</Button>
      ) : null}
      {error ? <span class="error small" role="alert">{error}</span> : null}
      {confirm.element}
    </span>
  );
}

/** The approval card's evidence, from the run's own timeline (the same counts the queue shows). */
function evidenceOf(detail: RunDetail) {
  const violations = detail.drift.filter((d) => d.kind === "scope_violation");
  const tests = detail.builds.filter((b) => b.kind === "test");
  const changed = [...new Set(detail.files.filter((f) => f.action !== "read").map((f) => f.path!))].sort();
  return {
    scopeViolations: violations.length, violationPaths: [...new Set(violations.map((v) => v.path).filter((p): p is string => !!p))].sort().slice(0, 5),
    drift: detail.drift.length - violations.length, tests: tests.length, failedTests: tests.filter((b) => b.exitCode !== 0).length,
    lastTestExitCode: tests.length ? [...tests].sort((a, b) => b.createdAt - a.createdAt)[0]!.exitCode : null,
    failedBuilds: detail.builds.filter((b) => b.kind !== "test" && b.exitCode !== 0).length, changedFiles: changed.length, changedPaths: changed.slice(0, 5),
  };
}

/** The run's pending checkpoints, decided here with the evidence beside them. */
function PendingDecisions({ detail, onChange }: { detail: RunDetail; onChange: () => void }) {
  const pending = detail.checkpoints.filter((c) => c.status === "pending");
  if (pending.length === 0) return null;
  const evidence = evidenceOf(detail);
  return (
    <Card title={pending.length === 1 ? "Waiting for a decision" : `${pending.length} checkpoints wait for a decision`} class="decide-card">
      <div class="stack">
        <EvidenceList evidence={evidence} />
        {pending.map((c) => (
          <div class="stack pending-checkpoint" key={c.id}>
            <div>
              <strong>{c.kind === "phase_gate" ? `Enter phase “${c.targetPhase}”` : `Approval: ${humanize(c.reason)}`}</strong>
              <span class="muted small"> · requested <Stamp ms={c.requestedAt} />, expires <Stamp ms={c.expiresAt} /> · a {c.requiredRole} or above decides</span>
              {c.summary ? <p class="small">{c.summary}</p> : null}
            </div>
            <DecisionForm checkpoint={c} ownerId={detail.run.owner.id} onDecided={onChange} />
          </div>
        ))}
      </div>
    </Card>
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
  const offences = groupByPath([...detail.drift, ...violations]);
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
            ? <>Checkpoint {rejected.kind === "phase_gate" ? `into ${rejected.targetPhase}` : `(${humanize(rejected.reason)})`}: {decisionLine("rejected", rejected.decider, rejected.decidedAt)}: “{rejected.decisionReason}”. </>
            : <>A person blocked this run. </>}
          The agent cannot move on until a lead (not the run's owner) unblocks it, or approves a new checkpoint the agent requests.
        </Banner>
      ) : null}
      {run.summary ? <Card title={run.finishedAt ? "Final summary" : "Summary"}><p>{run.summary}</p></Card> : null}
      <Card title={`${detail.runbook.name} · v${detail.runbook.version}`} actions={<span class="muted small">in {run.phase} since <Stamp ms={run.phaseEnteredAt} /></span>}>
        <PhaseTrack phases={detail.phases} current={run.phase} status={status} />
        {pending.length > 0 ? (
          <p class="row">
            <Pill tone="amber">waiting for approval</Pill>
            <a href="#decide" onClick={(e) => { e.preventDefault(); document.getElementById("decide")?.scrollIntoView(); }}>{pending.length} pending checkpoint{pending.length > 1 ? "s" : ""}, below</a>
          </p>
        ) : null}
      </Card>
      <div id="decide"><PendingDecisions detail={detail} onChange={onChange} /></div>
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
            <dd><Stamp ms={run.createdAt} /></dd>
            <dt>Finished</dt>
            <dd><Stamp ms={run.finishedAt} /></dd>
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
          <div class="table-wrap" tabIndex={0}>
            <table>
              <thead><tr><th>Checkpoint</th><th>Status</th><th>Decision</th><th>Reason</th><th class="hide-narrow">Requested</th><th class="hide-narrow">Decided</th></tr></thead>
              <tbody>
                {detail.checkpoints.map((c) => (
                  <tr key={c.id}>
                    <td>{c.kind === "phase_gate" ? `gate into ${c.targetPhase}` : humanize(c.reason)}{c.summary ? <div class="sub">{c.summary}</div> : null}</td>
                    <td><StatusPill status={c.status} /></td>
                    <td>{c.status === "pending" ? <span class="muted">needs a {c.requiredRole}</span> : <span class="decision">{decisionLine(c.status, c.decider, c.decidedAt)}</span>}</td>
                    <td>{c.decisionReason ?? <span class="muted">—</span>}</td>
                    <td class="hide-narrow"><Stamp ms={c.requestedAt} /></td>
                    <td class="hide-narrow"><Stamp ms={c.decidedAt} /></td>
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
          <div class="table-wrap" tabIndex={0}>
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
            <BuildsTable builds={detail.builds} />
          )}
        </Card>
        <Card title="Violations and drift" flush>
          {offences.length === 0 ? (
            <Empty title="None">The agent stayed inside its scope and its runbook.</Empty>
          ) : (
            <div class="table-wrap" tabIndex={0}>
              <table>
                <thead><tr><th>Path</th><th>Kind</th><th class="num">Times</th><th>Last</th></tr></thead>
                <tbody>
                  {offences.map((v) => (
                    <tr key={v.key}>
                      <td>{v.path ? <PathText path={v.path} /> : <span class="muted">—</span>}</td>
                      <td><span class="row">{v.kinds.map((k) => <Pill tone="red" key={k}>{humanize(k)}</Pill>)}</span></td>
                      <td class="num">{v.count}</td>
                      <td><Stamp ms={v.last} /></td>
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
          <div class="table-wrap" tabIndex={0}>
            <table>
              <thead><tr><th>Path</th><th>From</th><th>State</th><th class="hide-narrow">Since</th></tr></thead>
              <tbody>
                {detail.claims.map((c) => (
                  <tr key={`${c.path}-${c.claimedAt}`}>
                    <td><PathText path={c.path} /></td>
                    <td>{c.source === "plan" ? "plan" : `report (${c.source})`}</td>
                    <td>{c.endedAt === null ? <Pill tone="green">held</Pill> : <span class="muted">ended ({humanize(c.endReason ?? "")}) <Stamp ms={c.endedAt} /></span>}</td>
                    <td class="hide-narrow"><Stamp ms={c.claimedAt} /></td>
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
          <FilesTable files={detail.files} />
        )}
      </Card>
      <Card title="Timeline" flush>
        {detail.events.length === 0 ? (
          <Empty title="No events" />
        ) : (
          <ol class="timeline" aria-label="Run timeline">
            {[...detail.events].reverse().map((e) => (
              <li key={e.seq}>
                <Stamp ms={e.at} />
                <RunEventLine event={e} />
              </li>
            ))}
          </ol>
        )}
      </Card>
    </div>
  );
}

interface Offence { id: string; kind: string; path: string | null; createdAt: number }

/**
 * Violations and drift, one row per path: a path reported three times is one row that says 3 (a
 * report yields both a drift signal and an out-of-scope file row; they are one occurrence).
 */
export function groupByPath(items: readonly Offence[]): { key: string; path: string | null; kinds: string[]; count: number; last: number }[] {
  const groups = new Map<string, { key: string; path: string | null; perKind: Map<string, number>; last: number }>();
  for (const item of items) {
    const key = item.path ?? `kind:${item.kind}`;
    const group = groups.get(key) ?? { key, path: item.path, perKind: new Map<string, number>(), last: 0 };
    group.perKind.set(item.kind, (group.perKind.get(item.kind) ?? 0) + 1);
    group.last = Math.max(group.last, item.createdAt);
    groups.set(key, group);
  }
  return [...groups.values()]
    .map((g) => ({ key: g.key, path: g.path, kinds: [...g.perKind.keys()], count: Math.max(...g.perKind.values()), last: g.last }))
    .sort((a, b) => b.last - a.last);
}

function FilesTable({ files }: { files: RunDetail["files"] }) {
  const sort = useSort(files, { path: (f) => f.path, action: (f) => f.action, access: (f) => f.access, when: (f) => f.createdAt });
  return (
    <div class="table-wrap" tabIndex={0}>
      <table>
        <thead><tr>{sort.header("path", "Path")}{sort.header("action", "Action")}{sort.header("access", "Access")}{sort.header("when", "When", "hide-narrow")}</tr></thead>
        <tbody>
          {sort.rows.map((f) => (
            <tr key={f.id}>
              <td><PathText path={f.path!} /></td>
              <td>{f.action}</td>
              <td><StatusPill status={f.access} /></td>
              <td class="hide-narrow"><Stamp ms={f.createdAt} /></td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function BuildsTable({ builds }: { builds: RunDetail["builds"] }) {
  const sort = useSort(builds, { kind: (b) => b.kind, phase: (b) => b.phase, result: (b) => b.exitCode, duration: (b) => b.durationMs, when: (b) => b.createdAt });
  return (
    <div class="table-wrap" tabIndex={0}>
      <table>
        <thead><tr>{sort.header("kind", "Kind")}{sort.header("phase", "Phase")}{sort.header("result", "Result")}{sort.header("duration", "Duration", "num")}{sort.header("when", "When", "hide-narrow")}</tr></thead>
        <tbody>
          {sort.rows.map((b) => (
            <tr key={b.id}>
              <td>{b.kind}</td>
              <td>{b.phase}</td>
              <td>{b.exitCode === 0 ? <Pill tone="green">passed</Pill> : <Pill tone="red">exit {b.exitCode}</Pill>}</td>
              <td class="num">{duration(b.durationMs)}</td>
              <td class="hide-narrow"><Stamp ms={b.createdAt} /></td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
