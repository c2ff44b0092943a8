// Settings → Notifications (owner and admin): channels that carry approvals away from the desk,
// with a Test button, delivery counts and the last failures (HTTP status or SMTP reply, never a secret).
import { useState } from "preact/hooks";
import { request } from "../api.ts";
import { Banner, Button, Card, Field, Pill } from "../components/ui.tsx";
import { useAction, useResource } from "../hooks.ts";
import { useSession } from "../session.tsx";
import type { ChannelView, DeliveryView } from "../../src/core/notify/schemas.ts";

type Kind = ChannelView["kind"];
const KINDS: readonly { id: Kind; label: string; hint: string }[] = [
  { id: "slack", label: "Slack, Mattermost or Rocket.Chat", hint: "The incoming-webhook URL (kept secret; only its host is shown)." },
  { id: "teams", label: "Microsoft Teams", hint: "The workflow's webhook URL (kept secret; only its host is shown)." },
  { id: "ntfy", label: "ntfy", hint: "The topic URL, e.g. https://ntfy.example.internal/railyard." },
  { id: "email", label: "Email (SMTP)", hint: "Your mail relay; STARTTLS or TLS." },
  { id: "webhook", label: "Generic webhook", hint: "JSON, signed with X-Railyard-Signature (HMAC-SHA256)." },
];
const EVENTS: readonly { id: string; label: string }[] = [
  { id: "checkpoint.requested", label: "Approval requested" },
  { id: "checkpoint.decided", label: "Approval decided" },
  { id: "checkpoint.expiring", label: "Approval expiring within the hour" },
  { id: "run.failed", label: "Run failed" },
  { id: "run.blocked", label: "Run blocked" },
  { id: "scope.violation", label: "Scope violation (opt-in)" },
  { id: "drift.detected", label: "Drift (opt-in)" },
  { id: "budget.threshold", label: "Budget at 80%" },
  { id: "runbook.proposal", label: "Runbook proposal from the ritual miner" },
];
const DEFAULT_EVENTS = EVENTS.slice(0, 5).map((e) => e.id);

const channelsApi = {
  list: () => request<{ channels: ChannelView[] }>("GET", "/api/channels"),
  create: (body: Record<string, unknown>) => request<{ channel: ChannelView }>("POST", "/api/channels", body),
  patch: (id: string, body: Record<string, unknown>) => request<{ channel: ChannelView }>("PATCH", `/api/channels/${id}`, body),
  remove: (id: string) => request("DELETE", `/api/channels/${id}`),
  test: (id: string) => request<{ deliveryId: string }>("POST", `/api/channels/${id}/test`),
  failures: (id: string) => request<{ deliveries: DeliveryView[]; total: number }>("GET", `/api/channels/${id}/deliveries?status=failed&limit=5`),
};

export function ChannelsSettings() {
  const session = useSession();
  const allowed = session.me.user.role === "owner" || session.me.user.role === "admin";
  // Other roles are refused the list (403): do not ask for it.
  const list = useResource(() => (allowed ? channelsApi.list() : Promise.resolve({ channels: [] })), [allowed]);
  const [adding, setAdding] = useState(false);
  if (!allowed) return null;
  return (
    <Card title="Notifications" actions={<Button size="small" onClick={() => setAdding(!adding)}>{adding ? "Close" : "Add channel"}</Button>}>
      <p class="muted small">Messages name the project, run, kind, who asked and when, masked for their audience, and link to Railyard. Nothing in a message can approve: deciding always needs a signed-in person.</p>
      {adding ? <ChannelForm onSaved={() => { setAdding(false); list.reload(); }} owner={session.me.user.role === "owner"} /> : null}
      {list.error ? <Banner tone="error">{list.error.message}</Banner> : null}
      {list.data && list.data.channels.length === 0 && !adding ? <p>No channels yet. Add one so that approvals reach people away from the desk.</p> : null}
      <div class="stack">
        {(list.data?.channels ?? []).map((c) => <ChannelRow key={c.id} channel={c} onChanged={list.reload} owner={session.me.user.role === "owner"} />)}
      </div>
    </Card>
  );
}

function ChannelRow({ channel: c, onChanged, owner }: { channel: ChannelView; onChanged: () => void; owner: boolean }) {
  const [sent, setSent] = useState<string | null>(null);
  const failures = useResource(() => (c.deliveries.failed > 0 ? channelsApi.failures(c.id) : Promise.resolve({ deliveries: [], total: 0 })), [c.id, c.deliveries.failed]);
  const test = useAction(async () => setSent((await channelsApi.test(c.id)).deliveryId));
  const toggle = useAction(async () => {
    await channelsApi.patch(c.id, { enabled: !c.enabled });
    onChanged();
  });
  const remove = useAction(async () => {
    await channelsApi.remove(c.id);
    onChanged();
  });
  const locked = c.allowPrivateNetwork && !owner;
  return (
    <div class="card" style="padding: 12px" data-channel={c.kind}>
      <div class="row" style="justify-content: space-between; gap: 8px; flex-wrap: wrap">
        <div>
          <strong>{c.name}</strong> <Pill tone="gray">{KINDS.find((k) => k.id === c.kind)?.label ?? c.kind}</Pill>{" "}
          {c.enabled ? <Pill tone="green">on</Pill> : <Pill tone="gray">off</Pill>}{" "}
          {c.personal ? <Pill tone="blue">personal</Pill> : null}{" "}
          {c.allowPrivateNetwork ? <Pill tone="amber">may reach loopback</Pill> : null}
          <div class="muted small"><code>{c.destination}</code> · masked for {c.audienceRole}s · {c.events.length ? c.events.map((e) => EVENTS.find((x) => x.id === e)?.label ?? e).join(", ") : "personal notifications only"}{c.projects.length ? ` · projects ${c.projects.join(", ")}` : ""}</div>
          <div class="small">{c.deliveries.delivered} delivered · {c.deliveries.pending} pending · {c.deliveries.failed > 0 ? <strong class="error-text">{c.deliveries.failed} failed</strong> : "0 failed"}</div>
        </div>
        <div class="row" style="gap: 6px">
          <Button size="small" onClick={() => test.run()} disabled={test.busy || !c.enabled}>Test</Button>
          <Button size="small" onClick={() => toggle.run()} disabled={toggle.busy}>{c.enabled ? "Turn off" : "Turn on"}</Button>
          <Button size="small" variant="danger" onClick={() => { if (confirm(`Delete the channel "${c.name}"?`)) void remove.run(); }} disabled={remove.busy || locked}>Delete</Button>
        </div>
      </div>
      {sent ? <Banner tone="success" role="status">Test message queued (delivery {sent}); its outcome shows in the counts.</Banner> : null}
      {test.error || toggle.error || remove.error ? <Banner tone="error">{test.error ?? toggle.error ?? remove.error}</Banner> : null}
      {failures.data && failures.data.deliveries.length > 0 ? (
        <table class="table small" aria-label={`Failed deliveries of ${c.name}`}>
          <thead><tr><th>delivery</th><th>event</th><th>attempts</th><th>last answer</th></tr></thead>
          <tbody>{failures.data.deliveries.map((d) => <tr key={d.id}><td><code>{d.id}</code></td><td>{d.kind}</td><td>{d.attempts}</td><td>{d.lastError}</td></tr>)}</tbody>
        </table>
      ) : null}
    </div>
  );
}

function ChannelForm({ onSaved, owner }: { onSaved: () => void; owner: boolean }) {
  const [kind, setKind] = useState<Kind>("slack");
  const [f, setF] = useState<Record<string, string>>({ name: "", url: "", secret: "", token: "", host: "", port: "", security: "starttls", username: "", password: "", from: "", to: "" });
  const [events, setEvents] = useState<string[]>(DEFAULT_EVENTS);
  const [personal, setPersonal] = useState(false);
  const [local, setLocal] = useState(false);
  const set = (key: string) => (e: { currentTarget: HTMLInputElement | HTMLSelectElement }) => setF({ ...f, [key]: e.currentTarget.value });
  const save = useAction(async () => {
    const body: Record<string, unknown> = { name: f.name, kind, events, ...(local ? { allowPrivateNetwork: true } : {}) };
    if (kind === "email") Object.assign(body, { host: f.host, security: f.security, from: f.from, to: (f.to ?? "").split(",").map((s) => s.trim()).filter(Boolean), personal, ...(f.port ? { port: Number(f.port) } : {}), ...(f.username ? { username: f.username } : {}), ...(f.password ? { password: f.password } : {}) });
    else Object.assign(body, { url: f.url, ...(kind === "webhook" ? { secret: f.secret } : {}), ...(kind === "ntfy" ? { personal, ...(f.token ? { token: f.token } : {}) } : {}) });
    await channelsApi.create(body);
    onSaved();
  });
  const text = (key: string, label: string, props: Record<string, unknown> = {}, hint?: string) => (
    <Field label={label} hint={hint}>{(p) => <input {...p} {...props} value={f[key]} onInput={set(key)} />}</Field>
  );
  return (
    <form class="form" onSubmit={(e) => { e.preventDefault(); void save.run(); }}>
      {save.error ? <Banner tone="error">{save.error}</Banner> : null}
      <Field label="Kind" hint={KINDS.find((k) => k.id === kind)?.hint}>
        {(p) => <select {...p} value={kind} onChange={(e) => setKind(e.currentTarget.value as Kind)}>{KINDS.map((k) => <option key={k.id} value={k.id}>{k.label}</option>)}</select>}
      </Field>
      {text("name", "Name", { required: true, maxLength: 100 })}
      {kind !== "email" ? text("url", kind === "ntfy" ? "Topic URL" : "Webhook URL", { required: true, type: kind === "slack" || kind === "teams" ? "password" : "url", autocomplete: "off" }) : null}
      {kind === "webhook" ? text("secret", "Signing secret", { required: true, type: "password", minLength: 16, autocomplete: "off" }, "At least 16 characters; write-only.") : null}
      {kind === "ntfy" ? text("token", "Access token (optional)", { type: "password", autocomplete: "off" }) : null}
      {kind === "email" ? (
        <>
          {text("host", "SMTP host", { required: true })}
          <Field label="Security">{(p) => <select {...p} value={f.security} onChange={set("security")}><option value="starttls">STARTTLS (587)</option><option value="tls">TLS (465)</option><option value="none">None (25, no password)</option></select>}</Field>
          {text("port", "Port (optional)", { type: "number", min: 1, max: 65535 })}
          {text("username", "User (optional)", { autocomplete: "off" })}
          {text("password", "Password (optional)", { type: "password", autocomplete: "new-password" }, "Write-only; sent only over STARTTLS or TLS.")}
          {text("from", "From address", { required: true, type: "email" })}
          {text("to", "Team recipients (comma-separated)", {}, "Leave empty for a channel that carries personal email only.")}
        </>
      ) : null}
      {kind === "email" || kind === "ntfy" ? (
        <label class="row small"><input type="checkbox" checked={personal} onChange={(e) => setPersonal(e.currentTarget.checked)} /> Also carry people's personal notifications ({kind === "email" ? "to their account email" : "to their own topic on this server"})</label>
      ) : null}
      <fieldset class="stack small"><legend>Team events</legend>
        {EVENTS.map((e) => <label key={e.id} class="row"><input type="checkbox" checked={events.includes(e.id)} onChange={(x) => setEvents(x.currentTarget.checked ? [...events, e.id] : events.filter((y) => y !== e.id))} /> {e.label}</label>)}
      </fieldset>
      {owner ? <label class="row small"><input type="checkbox" checked={local} onChange={(e) => setLocal(e.currentTarget.checked)} /> Allow a loopback or link-local destination (owner only; off unless you run the receiver on this machine)</label> : null}
      <div><Button type="submit" variant="primary" disabled={save.busy}>{save.busy ? "Saving…" : "Add channel"}</Button></div>
    </form>
  );
}
