// Settings → Audit streaming: the SIEM destinations of the audit trail (DESIGN.md §12), each with
// its cursor, lag and last error; the owner adds, changes, pauses and removes them.
import { useState } from "preact/hooks";
import { request } from "../api.ts";
import type { StreamView } from "../../src/core/stream/schemas.ts";
import { DataView } from "../components/data-view.tsx";
import { Banner, Button, Card, Field, Pill } from "../components/ui.tsx";
import { ago, duration } from "../format.ts";
import { useFormErrors } from "../errors.ts";
import { useAction, useResource } from "../hooks.ts";
import { useSession } from "../session.tsx";

type Stream = StreamView;

const streamsApi = {
  list: () => request<{ streams: Stream[] }>("GET", "/api/audit-streams"),
  create: (body: Record<string, unknown>) => request<{ stream: Stream }>("POST", "/api/audit-streams", body),
  update: (id: string, body: Record<string, unknown>) => request<{ stream: Stream }>("PATCH", `/api/audit-streams/${encodeURIComponent(id)}`, body),
  remove: (id: string) => request<{ id: string }>("DELETE", `/api/audit-streams/${encodeURIComponent(id)}`),
};

const list = (text: string) => text.split(/[\s,]+/).map((s) => s.trim()).filter(Boolean);

/** The audit-streaming card of Settings (owner, admin and auditor see it; the owner edits). */
export function AuditStreamsSettings() {
  const session = useSession();
  const mayRead = session.can("audit.read_all");
  const owner = session.can("settings.manage");
  const streams = useResource(() => (mayRead ? streamsApi.list() : Promise.resolve({ streams: [] })), [mayRead]);
  const [adding, setAdding] = useState(false);
  if (!mayRead) return null;
  return (
    <Card title="Audit streaming (SIEM)" id="audit-streams" actions={owner && !adding ? <Button size="small" onClick={() => setAdding(true)}>Add destination</Button> : null}>
      <div class="stack">
        <p class="muted small">
          Every audit event, in order and at least once, to syslog (RFC 5424 over <code>tcp://</code> or <code>tls://</code>) or an
          OpenTelemetry collector (<code>http(s)://collector:4318</code>). Metadata only, masked as for an auditor; de-duplicate on <code>seq</code>.
        </p>
        {adding ? <StreamForm onDone={() => { setAdding(false); streams.reload(); }} /> : null}
        <DataView resource={streams} isEmpty={(d) => d.streams.length === 0} empty={{ title: "No destinations", body: "The trail stays on this machine until the owner adds one." }}>
          {(d) => (
            <div class="table-wrap">
              <table>
                <thead><tr><th>Destination</th><th>Status</th><th>Lag</th><th>Delivered</th><th><span class="sr-only">Actions</span></th></tr></thead>
                <tbody>{d.streams.map((s) => <StreamRow key={s.id} stream={s} owner={owner} onChanged={streams.reload} />)}</tbody>
              </table>
            </div>
          )}
        </DataView>
      </div>
    </Card>
  );
}

function StreamRow({ stream: s, owner, onChanged }: { stream: Stream; owner: boolean; onChanged: () => void }) {
  const toggle = useAction(() => streamsApi.update(s.id, { enabled: !s.enabled }));
  const remove = useAction(() => streamsApi.remove(s.id));
  const editable = owner && s.source === "api";
  const status = !s.enabled ? <Pill tone="gray">paused</Pill> : s.failures > 0 ? <Pill tone="red">failing</Pill> : s.lag.events > 0 ? <Pill tone="amber">catching up</Pill> : <Pill tone="green">up to date</Pill>;
  return (
    <tr>
      <td>
        <div>{s.name} <span class="muted small">{s.kind === "syslog" ? "syslog" : "OTLP"}</span></div>
        <div class="sub mono">{s.url}</div>
        {s.eventTypes.length || s.projectIds.length ? <div class="sub">only {[s.eventTypes.join(", "), s.projectIds.length ? `${s.projectIds.length} project(s)` : ""].filter(Boolean).join("; ")}</div> : null}
        {s.source === "flag" ? <div class="sub">set by a start flag</div> : null}
      </td>
      <td>
        {status}
        {s.failures > 0 && s.lastError ? <div class="sub error-text">{s.lastError} ({s.failures}×{s.retryAt ? `, retry ${ago(s.retryAt)}` : ""})</div> : null}
        {toggle.error || remove.error ? <div class="sub error-text">{toggle.error ?? remove.error}</div> : null}
      </td>
      <td>{s.lag.events === 0 ? "none" : <>{s.lag.events} events<div class="sub">{duration(s.lag.seconds * 1000)} behind</div></>}</td>
      <td>{s.delivered}<div class="sub">up to seq {s.ackedSeq}{s.ackedAt ? `, ${ago(s.ackedAt)}` : ""}</div></td>
      <td class="actions">
        {editable ? (
          <>
            <Button size="small" disabled={toggle.busy} onClick={async () => { if (await toggle.run()) onChanged(); }}>{s.enabled ? "Pause" : "Resume"}</Button>
            <Button size="small" variant="danger" disabled={remove.busy} onClick={async () => { if (window.confirm(`Remove “${s.name}” and its cursor?`) && (await remove.run())) onChanged(); }}>Remove</Button>
          </>
        ) : null}
      </td>
    </tr>
  );
}

function StreamForm({ onDone }: { onDone: () => void }) {
  const [form, setForm] = useState({ name: "", url: "", caPem: "", eventTypes: "", projectIds: "", startAt: "oldest" });
  const tls = /^(tls|https):/.test(form.url);
  const create = useAction(() => streamsApi.create({
    name: form.name, url: form.url, startAt: form.startAt, eventTypes: list(form.eventTypes), projectIds: list(form.projectIds), ...(tls && form.caPem.trim() ? { caPem: form.caPem } : {}),
  }));
  // A refusal is said on the field it is about (in plain words), and goes when that field changes.
  const errors = useFormErrors(create.failure, ["name", "url", "caPem", "eventTypes", "projectIds", "startAt"]);
  const set = (key: keyof typeof form) => (e: { currentTarget: HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement }) => {
    setForm({ ...form, [key]: e.currentTarget.value });
    errors.clear(key);
  };
  return (
    <form class="form" onSubmit={async (e) => { e.preventDefault(); if (await create.run()) onDone(); }}>
      {errors.general ? <Banner tone="error">{errors.general}</Banner> : null}
      <Field label="Name" error={errors.of("name")}>{(p) => <input {...p} required maxLength={80} value={form.name} onInput={set("name")} placeholder="Splunk via collector" />}</Field>
      <Field label="Address" hint="tcp://host:514, tls://host:6514 (syslog) or http(s)://collector:4318 (OTLP/HTTP logs)" error={errors.of("url")}>
        {(p) => <input {...p} required maxLength={500} value={form.url} onInput={set("url")} placeholder="tls://siem.example.internal:6514" />}
      </Field>
      {tls ? <Field label="CA certificate (PEM)" hint="Leave empty to trust the system's CAs." error={errors.of("caPem")}>{(p) => <textarea {...p} rows={4} class="mono" value={form.caPem} onInput={set("caPem")} />}</Field> : null}
      <Field label="Event types" hint="Empty sends every type; e.g. run.*, checkpoint.approved, auth.*" error={errors.of("eventTypes")}>{(p) => <input {...p} value={form.eventTypes} onInput={set("eventTypes")} />}</Field>
      <Field label="Project ids" hint="Empty sends every project (and events without one)." error={errors.of("projectIds")}>{(p) => <input {...p} value={form.projectIds} onInput={set("projectIds")} placeholder="prj_…" />}</Field>
      <Field label="Start with">
        {(p) => (
          <select {...p} value={form.startAt} onChange={set("startAt")}>
            <option value="oldest">the oldest event still retained (the whole trail)</option>
            <option value="next">the next new event</option>
          </select>
        )}
      </Field>
      <div class="row"><Button type="submit" variant="primary" disabled={create.busy}>Add destination</Button><Button onClick={onDone}>Cancel</Button></div>
    </form>
  );
}
