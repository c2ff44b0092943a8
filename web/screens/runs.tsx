// Runs list with filters (status, project, text); live: refetches when any run changes.
import { api, type RunStatus, type RunSummary } from "../api.ts";
import { DataView } from "../components/data-view.tsx";
import { Button, Card, Field, PageHeader, StatusPill } from "../components/ui.tsx";
import { ago, compact } from "../format.ts";
import { usePaged, useResource } from "../hooks.ts";
import { isRunEvent, useLive } from "../live.ts";
import { navigate, setQuery, useLocation } from "../router.ts";

const STATUSES: RunStatus[] = ["active", "awaiting_approval", "blocked", "completed", "failed", "cancelled"];

export function RunLink({ id, children }: { id: string; children: preact.ComponentChildren }) {
  return <a href={`/runs/${id}`} onClick={(e) => { e.preventDefault(); navigate(`/runs/${id}`); }}>{children}</a>;
}

const SORTS = ["updated", "created", "tokens"] as const;

/**
 * A column the server sorts by, over every run (not over the loaded page): the order lives in the
 * URL, a first press sorts largest or newest first, a second reverses.
 */
function SortHeader({ column, label, sort, direction, class: cls }: { column: string; label: string; sort: string; direction: "asc" | "desc"; class?: string }) {
  const active = column === sort;
  const next = active && direction === "desc" ? "asc" : "desc";
  return (
    <th class={cls} aria-sort={active ? (direction === "asc" ? "ascending" : "descending") : undefined}>
      <button type="button" class="sort" onClick={() => setQuery({ sort: column === "updated" ? "" : column, direction: next === "desc" ? "" : next })}>
        {label}
        <span class="sort-mark" aria-hidden="true">{active ? (direction === "asc" ? "▲" : "▼") : "↕"}</span>
      </button>
    </th>
  );
}

export function RunsScreen() {
  const { query } = useLocation();
  const status = query.get("status") ?? "";
  const project = query.get("project") ?? "";
  const q = query.get("q") ?? "";
  const search = q.trim();
  const sort = (SORTS as readonly string[]).includes(query.get("sort") ?? "") ? query.get("sort")! : "updated";
  const direction = query.get("direction") === "asc" ? "asc" : "desc";
  // Filters, search and paging run on the server, over every run (not over a loaded page).
  const runs = usePaged<RunSummary>((cursor) => api.runs({ status, project, q: search, sort, direction, cursor }).then((p) => ({ items: p.runs, total: p.total, nextCursor: p.nextCursor })), [status, project, search, sort, direction]);
  const projects = useResource(() => api.projects().catch(() => []), []);
  useLive(isRunEvent, runs.reload);
  return (
    <>
      <PageHeader title="Runs" description="Every story an agent works on, bound to its runbook version." />
      <Card flush>
        <form class="filters" role="search" aria-label="Filter runs" onSubmit={(e) => e.preventDefault()}>
          <Field label="Status">
            {(p) => (
              <select {...p} value={status} onChange={(e) => setQuery({ status: e.currentTarget.value })}>
                <option value="">Any status</option>
                {STATUSES.map((s) => <option value={s} key={s}>{s.replace("_", " ")}</option>)}
              </select>
            )}
          </Field>
          <Field label="Project">
            {(p) => (
              <select {...p} value={project} onChange={(e) => setQuery({ project: e.currentTarget.value })}>
                <option value="">Any project</option>
                {(projects.data ?? []).map((pr) => <option value={pr.slug} key={pr.id}>{pr.name}</option>)}
              </select>
            )}
          </Field>
          <Field label="Search">
            {(p) => <input {...p} type="search" placeholder="Title, ticket or branch" maxLength={200} value={q} onInput={(e) => setQuery({ q: e.currentTarget.value })} />}
          </Field>
        </form>
        <DataView resource={runs} empty={{ title: status || project || q ? "No runs match these filters" : "No runs yet", body: <p>Runs appear here as soon as an agent calls <code>start_run</code>.</p> }}>
          {(list) => (
            <>
            <p class="card-body small muted" role="status">{runs.total === undefined ? "" : `${runs.total.toLocaleString()} ${runs.total === 1 ? "run" : "runs"}${runs.total > list.length ? `, showing ${list.length.toLocaleString()}` : ""}`}</p>
            <div class="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th>Run</th>
                    <th>Status</th>
                    <th>Phase</th>
                    <th class="hide-narrow">Owner</th>
                    <SortHeader column="tokens" label="Tokens" sort={sort} direction={direction} class="num hide-narrow" />
                    <SortHeader column="created" label="Started" sort={sort} direction={direction} class="hide-narrow" />
                    <SortHeader column="updated" label="Updated" sort={sort} direction={direction} class="hide-narrow" />
                  </tr>
                </thead>
                <tbody>
                  {list.map((run) => (
                    <tr key={run.id}>
                      <td>
                        <RunLink id={run.id}>{run.title}</RunLink>
                        <div class="sub">{[run.project.slug, run.ticket].filter(Boolean).join(" · ")}</div>
                        <div class="sub only-narrow">{run.owner.name} · {compact(run.tokens.input + run.tokens.output)} tokens · {ago(run.updatedAt)}</div>
                      </td>
                      <td><StatusPill status={run.status} /></td>
                      <td>{run.phase}{run.pendingCheckpoints ? <div class="sub">{run.pendingCheckpoints} waiting for approval</div> : null}</td>
                      <td class="hide-narrow">{run.owner.name}</td>
                      <td class="num hide-narrow">{compact(run.tokens.input + run.tokens.output)}</td>
                      <td class="hide-narrow">{ago(run.createdAt)}</td>
                      <td class="hide-narrow">{ago(run.updatedAt)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            {runs.hasMore ? <div class="card-body"><Button onClick={runs.more} disabled={runs.loadingMore}>{runs.loadingMore ? "Loading…" : "Load more runs"}</Button></div> : null}
            </>
          )}
        </DataView>
      </Card>
    </>
  );
}
