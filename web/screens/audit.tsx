// Audit explorer: filters, newest first with "load older", chain verification and export links.
import { useEffect, useState } from "preact/hooks";
import type { EventType } from "../../src/core/audit/registry.ts";
import { api, type AuditEvent, type VerifyResult } from "../api.ts";
import { Banner, Button, Card, Empty, ErrorState, Field, Loading, PageHeader, Pill } from "../components/ui.tsx";
import { formatDate, humanize } from "../format.ts";
import { useAction, useResource } from "../hooks.ts";
import { setQuery, useLocation } from "../router.ts";
import { useSession } from "../session.tsx";

const COMMON_TYPES: EventType[] = [
  "run.started", "run.phase_advanced", "run.gate_refused", "run.completed", "run.failed",
  "checkpoint.requested", "checkpoint.approved", "checkpoint.rejected", "scope.violation", "drift.detected",
  "build.reported", "usage.reported", "runbook.published", "key.created", "key.revoked", "key.rejected",
  "auth.login_succeeded", "auth.login_failed", "user.created", "user.role_changed", "settings.changed",
  "scanner.blocked", "origin.rejected", "audit.verified", "audit.exported",
];

const ACTOR_LABEL = { human: "person", agent: "agent", system: "system" } as const;

/** A one-line description of an event: its type and its safe metadata (ids, counts, kinds). */
export function eventSummary(e: { type: string; subject: string | null; meta?: unknown }) {
  const meta = typeof e.meta === "object" && e.meta !== null ? (e.meta as Record<string, unknown>) : {};
  const parts = Object.entries(meta)
    .filter(([, v]) => v !== null && v !== "" && (typeof v !== "object" || Array.isArray(v)))
    .slice(0, 4)
    .map(([k, v]) => `${humanize(k)}: ${Array.isArray(v) ? v.join(", ") : String(v)}`);
  return (
    <span>
      <strong>{humanize(e.type.replace(".", " "))}</strong>
      {e.subject ? <span class="muted"> · {e.subject}</span> : null}
      {parts.length ? <span class="muted small"> — {parts.join("; ")}</span> : null}
    </span>
  );
}

export function AuditScreen() {
  const session = useSession();
  const { query } = useLocation();
  const filters = { type: query.get("type") ?? "", actor: query.get("actor") ?? "", run: query.get("run") ?? "", since: query.get("since") ?? "", until: query.get("until") ?? "" };
  const key = JSON.stringify(filters);
  const [pages, setPages] = useState<{ events: AuditEvent[]; next: string | null; total: number } | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);
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

  const people = useResource(() => (session.can("users.manage") ? api.users() : Promise.resolve([])), []);
  const names = new Map((people.data ?? []).map((u) => [u.id, u.name]));
  const [verified, setVerified] = useState<VerifyResult | null>(null);
  const verify = useAction(async () => setVerified(await api.verifyAudit()));
  const [draft, setDraft] = useState(filters);
  useEffect(() => setDraft(filters), [key]);

  return (
    <>
      <PageHeader
        title="Audit trail"
        description={session.can("audit.read_all") ? "Every state change, hash-chained and append-only." : session.role === "lead" ? "Events of project runs and your own actions." : "Events of your runs and your own actions."}
        actions={
          <>
            <Button onClick={() => void verify.run()} disabled={verify.busy}>{verify.busy ? "Verifying…" : "Verify chain"}</Button>
            {session.can("audit.export") ? (
              <>
                <a class="btn" href={api.exportUrl("jsonl", filters.since || undefined)} download>Export JSONL</a>
                <a class="btn" href={api.exportUrl("csv", filters.since || undefined)} download>Export CSV</a>
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
                  {COMMON_TYPES.map((t) => <option value={t} key={t}>{t}</option>)}
                </select>
              )}
            </Field>
            <Field label="Actor id">{(p) => <input {...p} placeholder="usr_… or key_…" maxLength={64} value={draft.actor} onInput={(e) => setDraft({ ...draft, actor: e.currentTarget.value.trim() })} />}</Field>
            <Field label="Run id">{(p) => <input {...p} placeholder="run_…" maxLength={64} value={draft.run} onInput={(e) => setDraft({ ...draft, run: e.currentTarget.value.trim() })} />}</Field>
            <Field label="Since">{(p) => <input {...p} type="date" value={draft.since} onInput={(e) => setDraft({ ...draft, since: e.currentTarget.value })} />}</Field>
            <Field label="Until">{(p) => <input {...p} type="date" value={draft.until} onInput={(e) => setDraft({ ...draft, until: e.currentTarget.value })} />}</Field>
            <Button type="submit" variant="primary">Apply</Button>
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
                <thead><tr><th>#</th><th>When</th><th>Event</th><th class="hide-narrow">Actor</th><th class="hide-narrow">Run</th></tr></thead>
                <tbody>
                  {pages.events.map((e) => (
                    <tr key={e.seq}>
                      <td class="num mono">{e.seq}</td>
                      <td class="nowrap">{formatDate(Date.parse(e.at))}</td>
                      <td>{eventSummary(e)}</td>
                      <td class="hide-narrow"><Pill plain tone={e.actor.kind === "agent" ? "blue" : "gray"}>{ACTOR_LABEL[e.actor.kind as keyof typeof ACTOR_LABEL] ?? e.actor.kind}</Pill><div class="sub">{e.actor.userId ? names.get(e.actor.userId) ?? <span class="mono">{e.actor.userId}</span> : ""}</div></td>
                      <td class="hide-narrow mono small">{e.runId ?? ""}</td>
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
    </>
  );
}
