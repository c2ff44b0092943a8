// Account → Notifications: which events reach me, by email or on my own ntfy topic.
import { useEffect, useState } from "preact/hooks";
import { request } from "../api.ts";
import { Banner, Button, Card, Field } from "../components/ui.tsx";
import { useAction, useResource } from "../hooks.ts";
import type { PreferencesView } from "../../src/core/notify/schemas.ts";

const EVENTS: readonly { id: string; label: string }[] = [
  { id: "checkpoint.requested", label: "An approval I may decide is requested" },
  { id: "checkpoint.expiring", label: "Such an approval expires within the hour" },
  { id: "checkpoint.decided", label: "A checkpoint of my run is decided" },
  { id: "run.failed", label: "My run failed" },
  { id: "run.blocked", label: "My run is blocked" },
  { id: "scope.violation", label: "Scope violations" },
  { id: "drift.detected", label: "Drift" },
  { id: "budget.threshold", label: "Budget at 80%" },
  { id: "runbook.proposal", label: "Runbook proposal from the ritual miner" },
];

export function NotificationPreferences() {
  const prefs = useResource(() => request<{ preferences: PreferencesView }>("GET", "/api/notification-preferences"), []);
  const [form, setForm] = useState<PreferencesView | null>(null);
  const [saved, setSaved] = useState(false);
  useEffect(() => setForm(prefs.data?.preferences ?? null), [prefs.data]);
  const save = useAction(async () => {
    await request("PUT", "/api/notification-preferences", { events: form!.events, email: form!.email, ntfyTopic: form!.ntfyTopic || null });
    setSaved(true);
  });
  if (!form) return null;
  return (
    <Card title="Notifications">
      <form class="form" onSubmit={(e) => { e.preventDefault(); setSaved(false); void save.run(); }}>
        {save.error ? <Banner tone="error">{save.error}</Banner> : null}
        {saved ? <Banner tone="success" role="status">Preferences saved.</Banner> : null}
        {!form.available.email && !form.available.ntfy ? <p class="muted small">No personal channel is set up yet; an owner or admin adds one in Settings.</p> : null}
        <fieldset class="stack small"><legend>Tell me when</legend>
          {EVENTS.map((e) => <label key={e.id} class="row"><input type="checkbox" checked={form.events.includes(e.id)} onChange={(x) => setForm({ ...form, events: x.currentTarget.checked ? [...form.events, e.id] : form.events.filter((y) => y !== e.id) })} /> {e.label}</label>)}
        </fieldset>
        <label class="row small"><input type="checkbox" checked={form.email} disabled={!form.available.email} onChange={(e) => setForm({ ...form, email: e.currentTarget.checked })} /> By email to {form.emailAddress}</label>
        <Field label="My ntfy topic (optional)" hint={form.available.ntfy ? "A topic on the workspace's ntfy server; subscribe to it in the ntfy app." : "Available once a personal ntfy channel exists."}>
          {(p) => <input {...p} value={form.ntfyTopic ?? ""} disabled={!form.available.ntfy} pattern="[A-Za-z0-9_-]{1,64}" onInput={(e) => setForm({ ...form, ntfyTopic: e.currentTarget.value })} />}
        </Field>
        <div><Button type="submit" variant="primary" disabled={save.busy}>Save notifications</Button></div>
      </form>
    </Card>
  );
}
