// Owner settings: scanner policy, retention, session lifetime, sign-in throttling.
import { useEffect, useState } from "preact/hooks";
import { api, type Settings } from "../api.ts";
import { DataView } from "../components/data-view.tsx";
import { useConfirm } from "../components/confirm.tsx";
import { Banner, Button, Card, Field, PageHeader } from "../components/ui.tsx";
import { useAction, useResource } from "../hooks.ts";
import { useSession } from "../session.tsx";
import { AuditStreamsSettings } from "./settings-streams.tsx";
import { IdentitySettings } from "./settings-identity.tsx";
import { ChannelsSettings } from "./settings-channels.tsx";
import { BudgetSettings } from "./settings-budgets.tsx";

export function SettingsScreen() {
  const settings = useResource(() => api.settings(), []);
  return (
    <>
      <PageHeader title="Settings" description="Workspace policy. Only the owner changes these; every change is audited." />
      <DataView resource={settings} isEmpty={() => false}>
        {(s) => <SettingsForm initial={s} onSaved={settings.reload} />}
      </DataView>
      <AuditStreamsSettings />
      <IdentitySettings />
      <ChannelsSettings />
      <BudgetSettings />
    </>
  );
}

function SettingsForm({ initial, onSaved }: { initial: Settings; onSaved: () => void }) {
  // Other roles may read the policy; only the owner changes it, so for them nothing is editable.
  const owner = useSession().can("settings.manage");
  const confirm = useConfirm();
  const [form, setForm] = useState<Settings>(initial);
  const [saved, setSaved] = useState(false);
  useEffect(() => setForm(initial), [initial]);
  const changed = Object.fromEntries(Object.entries(form).filter(([k, v]) => initial[k as keyof Settings] !== v)) as Partial<Settings>;
  const save = useAction(() => api.updateSettings(changed));
  const num = (key: keyof Settings) => (e: { currentTarget: HTMLInputElement }) => setForm({ ...form, [key]: Number(e.currentTarget.value) });
  return (
    <form class="stack" onSubmit={async (e) => { e.preventDefault(); setSaved(false); if (await confirmRetention(confirm.ask, initial, form) && (await save.run())) { setSaved(true); onSaved(); } }}>
      {owner ? null : <Banner tone="info" role="status">Only the owner changes these settings; editing is not available to your role.</Banner>}
      {save.error ? <Banner tone="error">{save.error}</Banner> : null}
      {confirm.element}
      <fieldset class="stack" disabled={!owner}>
      {saved ? <Banner tone="success" role="status">Settings saved.</Banner> : null}
      <div class="grid grid-2">
        <Card title="PII and secret scanner">
          <Field label="When an agent's input contains PII or a secret" hint="Either way an audit event records the kinds found, never the text.">
            {(p) => (
              <select {...p} value={form.scannerPolicy} onChange={(e) => setForm({ ...form, scannerPolicy: e.currentTarget.value as Settings["scannerPolicy"] })}>
                <option value="reject">Reject the whole call (recommended)</option>
                <option value="redact">Store it with the finding redacted</option>
              </select>
            )}
          </Field>
        </Card>
        <Card title="Audit retention">
          <Field label="Keep audit events for (days)" hint="0 keeps everything. Purging older events is itself recorded and the chain still verifies.">
            {(p) => <input {...p} type="number" min={0} max={36500} required value={form.retentionDays} onInput={num("retentionDays")} />}
          </Field>
        </Card>
        <Card title="Sessions">
          <div class="form">
            <Field label="Sign out after inactivity (minutes)" hint="1–15">{(p) => <input {...p} type="number" min={1} max={15} required value={form.sessionIdleMinutes} onInput={num("sessionIdleMinutes")} />}</Field>
            <Field label="Sign out after (hours), however active" hint="1–12">{(p) => <input {...p} type="number" min={1} max={12} required value={form.sessionAbsoluteHours} onInput={num("sessionAbsoluteHours")} />}</Field>
          </div>
        </Card>
        <Card title="Rate limits">
          <Field label="Failed sign-ins before throttling" hint="Per account and address, 1–20.">
            {(p) => <input {...p} type="number" min={1} max={20} required value={form.loginMaxFailures} onInput={num("loginMaxFailures")} />}
          </Field>
          <p class="muted small">Requests per plugin key per minute are set at start with <code>--key-rate-limit</code>.</p>
        </Card>
      </div>
      </fieldset>
      {owner ? <div><Button type="submit" variant="primary" disabled={save.busy || Object.keys(changed).length === 0}>Save settings</Button></div> : null}
    </form>
  );
}

/** A shorter audit retention deletes history at the next purge: say so and ask first. */
async function confirmRetention(ask: ReturnType<typeof useConfirm>["ask"], before: Settings, after: Settings): Promise<boolean> {
  const shorter = after.retentionDays !== before.retentionDays && after.retentionDays > 0 && (before.retentionDays === 0 || after.retentionDays < before.retentionDays);
  if (!shorter) return true;
  return ask({
    title: `Keep audit events for only ${after.retentionDays} days?`,
    body: <p>At the next purge every audit event older than {after.retentionDays} days is deleted for good{before.retentionDays === 0 ? " (until now everything was kept)" : ` (until now: ${before.retentionDays} days)`}. Export the trail first if you need it. The purge is itself recorded and the chain still verifies.</p>,
    confirm: `Keep ${after.retentionDays} days`,
  });
}
