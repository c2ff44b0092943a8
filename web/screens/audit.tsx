// Audit explorer: filters (every event type, people by name), newest first with "load older", an
// event's detail drawer, chain verification and an export of exactly what is filtered.
import { useEffect, useState } from "preact/hooks";
import { api, type AuditEvent, type AuditFilters, type VerifyResult } from "../api.ts";
import { Banner, Button, Card, Dialog, Empty, ErrorState, Field, Loading, PageHeader, Pill } from "../components/ui.tsx";
import { humanize, localTime, utc } from "../format.ts";
import { useAction, useResource } from "../hooks.ts";
import { setQuery, useLocation } from "../router.ts";
import { useSession } from "../session.tsx";
import { RunLink } from "./runs.tsx";
import { eventSummary } from "../components/event-summary.tsx";

const ACTOR_LABEL = { human: "person", agent: "agent", system: "system" } as const;

/** An instant as UTC with seconds; the viewer's local time on hover. */
export function UtcTime({ at }: { at: string | number }) {
  const ms = typeof at === "number" ? at : Date.parse(at);
  return <time dateTime={new Date(ms).toISOString()} title={localTime(ms)}>{utc(ms)}</time>;
}

function actorText(e: AuditEvent): string {
  const kind = ACTOR_LABEL[e.actor.kind as keyof typeof ACTOR_LABEL] ?? e.actor.kind;
  if (e.actor.kind === "system") return "Railyard (system)";
  const who = e.actorName ?? e.actor.userId ?? e.actor.id ?? "unknown";
  return e.actor.kind === "agent" ? `${who}'s agent` : `${who} (${kind})`;
}

const FILTER_KEYS = ["type", "actor", "run", "since", "until"] as const;

export function AuditScreen() {
  const session = useSession();
  const { query } = useLocation();
  const filters: Record<(typeof FILTER_KEYS)[number], string> = { type: "", actor: "", run: "", since: "", until: "" };
  for (const k of FILTER_KEYS) filters[k] = query.get(k) ?? "";
  const key = JSON.stringify(filters);
  const [pages, setPages] = useState<{ events: AuditEvent[]; next: string | null; total: number } | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  const [open, setOpen] = useState<AuditEvent | null>(null);
  const load = (cursor?: string) => {
    setError(null);
    if (cursor) setLoadingMore(true);
    api.audit({ ...filters, cursor, limit: "50" }).then(
      (page) => setPages((prev) => ({ events: cursor && prev ? [...prev.events, ...page.events] : page.events, next: page.nextCursor, total: page.total })),
      (e: Error) => setError(e),
    ).finally(() => setLoadingMore(false));
  };
  useEffect(() => {
    setPages(null);
    load();
  }, [key]);

  const options = useResource(() => api.auditFilters(), []);
  const describe = new Map((options.data?.types ?? []).map((t) => [t.type, t.description]));
  const names = new Map((options.data?.people ?? []).map((u) => [u.id, u.name]));
  const [verified, setVerified] = useState<VerifyResult | null>(null);
  const verify = useAction(async () => setVerified(await api.verifyAudit()));
  const [draft, setDraft] = useState(filters);
  useEffect(() => setDraft(filters), [key]);
  const applied: AuditFilters = Object.fromEntries(Object.entries(filters).filter(([, v]) => v)) as AuditFilters;
  const filtered = Object.keys(applied).length > 0;

  return (
    <>
      <PageHeader
        title="Audit trail"
        description={session.can("audit.read_all") ? "Every state change, hash-chained and append-only. Times are UTC; hover for your local time." : session.role === "lead" ? "Events of project runs and your own actions." : "Events of your runs and your own actions."}
        actions={
          <>
            <Button onClick={() => void verify.run()} disabled={verify.busy}>{verify.busy ? "Verifying…" : "Verify chain"}</Button>
            {session.can("audit.export") ? (
              <>
                <a class="btn" href={api.exportUrl("jsonl", applied)} download title={filtered ? "Exports exactly the events the filters match" : "Exports the whole trail"}>{filtered ? "Export filtered JSONL" : "Export JSONL"}</a>
                <a class="btn" href={api.exportUrl("csv", applied)} download title={filtered ? "Exports exactly the events the filters match" : "Exports the whole trail"}>{filtered ? "Export filtered CSV" : "Export CSV"}</a>
              </>
            ) : null}
          </>
        }
      />
      <div class="stack">
        {verify.error ? <Banner tone="error">{verify.error}</Banner> : null}
        {verified ? (
          verified.intact ? (
            <Banner tone="success" role="status"><span data-testid="verify-result">Chain intact: {verified.count} events verified (seq {verified.firstSeq}–{verified.lastSeq}).</span></Banner>
          ) : (
            <Banner tone="error"><span data-testid="verify-result">Chain broken at event {verified.brokenAt}: {verified.reason}</span></Banner>
          )
        ) : null}
        <Card flush>
          <form class="filters" role="search" aria-label="Filter events" onSubmit={(e) => { e.preventDefault(); setQuery(draft); }}>
            <Field label="Type">
              {(p) => (
                <select {...p} value={draft.type} onChange={(e) => setDraft({ ...draft, type: e.currentTarget.value })}>
                  <option value="">Any type</option>
                  {(options.data?.types ?? []).map((t) => <option value={t.type} key={t.type} title={t.description}>{t.type}</option>)}
                </select>
              )}
            </Field>
            <Field label="Person">
              {(p) => (
                <select {...p} value={draft.actor} onChange={(e) => setDraft({ ...draft, actor: e.currentTarget.value })}>
                  <option value="">Anyone</option>
                  {(options.data?.people ?? []).map((u) => <option value={u.id} key={u.id}>{u.name}</option>)}
                </select>
              )}
            </Field>
            <Field label="Run id">{(p) => <input {...p} placeholder="run_…" maxLength={64} value={draft.run} onInput={(e) => setDraft({ ...draft, run: e.currentTarget.value.trim() })} />}</Field>
            <Field label="Since (UTC)">{(p) => <input {...p} type="date" value={draft.since} onInput={(e) => setDraft({ ...draft, since: e.currentTarget.value })} />}</Field>
            <Field label="Until (UTC)">{(p) => <input {...p} type="date" value={draft.until} onInput={(e) => setDraft({ ...draft, until: e.currentTarget.value })} />}</Field>
            <Button type="submit" variant="primary">Apply</Button>
            {filtered ? <Button onClick={() => setQuery({ type: "", actor: "", run: "", since: "", until: "" })}>Clear filters</Button> : null}
          </form>
          {error ? <ErrorState error={error} retry={() => load()} /> : null}
          {pages === null ? (
            error ? null : <Loading />
          ) : pages.events.length === 0 ? (
            <Empty title="No events match" />
          ) : (
            <>
            <p class="card-body small muted" role="status">{`${pages.total.toLocaleString()} ${pages.total === 1 ? "event" : "events"} match${pages.total > pages.events.length ? `, showing the newest ${pages.events.length.toLocaleString()}` : ""}`}</p>
            <div class="table-wrap">
              <table>
                <thead><tr><th>#</th><th>When (UTC)</th><th>Event</th><th class="hide-narrow">Actor</th><th class="hide-narrow">Run</th><th><span class="sr-only">Details</span></th></tr></thead>
                <tbody>
                  {pages.events.map((e) => (
                    <tr key={e.seq}>
                      <td class="num mono">{e.seq}</td>
                      <td class="nowrap small"><UtcTime at={e.at} /></td>
                      <td>{eventSummary(e, names)}</td>
                      <td class="hide-narrow"><Pill plain tone={e.actor.kind === "agent" ? "blue" : "gray"}>{ACTOR_LABEL[e.actor.kind as keyof typeof ACTOR_LABEL] ?? e.actor.kind}</Pill><div class="sub">{e.actorName ?? (e.actor.userId ? <span class="mono">{e.actor.userId}</span> : "")}</div></td>
                      <td class="hide-narrow small">{e.runId ? <RunLink id={e.runId}><span class="mono">{e.runId}</span></RunLink> : ""}</td>
                      <td><Button size="small" onClick={() => setOpen(e)} aria-label={`Open event ${e.seq}`}>Open</Button></td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            </>
          )}
          {pages?.next ? (
            <div class="card-body"><Button onClick={() => load(pages.next!)} disabled={loadingMore}>{loadingMore ? "Loading…" : "Load older events"}</Button></div>
          ) : null}
        </Card>
      </div>
      {open ? <EventDrawer event={open} description={describe.get(open.type)} onClose={() => setOpen(null)} /> : null}
    </>
  );
}

/** Everything one event holds: when (UTC and local), who, which run, its metadata and its place in the chain. */
function EventDrawer({ event: e, description, onClose }: { event: AuditEvent; description?: string; onClose: () => void }) {
  return (
    <Dialog title={`Event ${e.seq}: ${e.type}`} onClose={onClose} variant="drawer" footer={<Button onClick={onClose}>Close</Button>}>
      {description ? <p class="muted">{description}</p> : null}
      <dl class="props" data-testid="event-detail">
        <dt>When</dt>
        <dd><UtcTime at={e.at} /><div class="sub muted small">{localTime(Date.parse(e.at))} (your time)</div></dd>
        <dt>Actor</dt>
        <dd>{actorText(e)}{e.actor.id ? <div class="sub mono small">{e.actor.id}</div> : null}</dd>
        <dt>Run</dt>
        <dd>{e.runId ? <RunLink id={e.runId}><span class="mono">{e.runId}</span></RunLink> : <span class="muted">—</span>}</dd>
        <dt>Project</dt>
        <dd>{e.projectId ? <span class="mono">{e.projectId}</span> : <span class="muted">—</span>}</dd>
        <dt>Subject</dt>
        <dd>{e.subject ? <span class="mono">{e.subject}</span> : <span class="muted">—</span>}</dd>
        <dt>Metadata</dt>
        <dd><pre class="meta-json">{JSON.stringify(e.meta, null, 2)}</pre></dd>
        <dt>Hash</dt>
        <dd class="mono small">{e.hash}</dd>
        <dt>Previous hash</dt>
        <dd class="mono small">{e.prevHash}</dd>
      </dl>
    </Dialog>
  );
}
