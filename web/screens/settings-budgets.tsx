// Settings → Prices and the ritual miner: the owner's per-model prices (tokens become money on the
// dashboard and project pages; no price list is shipped or fetched) and the miner's thresholds.
import { useEffect, useState } from "preact/hooks";
import { request } from "../api.ts";
import type { ModelPrice, Settings } from "../../src/core/setting/schemas.ts";
import { DataView } from "../components/data-view.tsx";
import { Banner, Button, Card, Field } from "../components/ui.tsx";
import { useAction, useResource } from "../hooks.ts";
import { useSession } from "../session.tsx";

type Shown = Pick<Settings, "modelPrices" | "priceCurrency" | "minerRuns" | "minerPeople" | "minerWindowDays">;
const settingsApi = {
  get: () => request<{ settings: Settings }>("GET", "/api/settings").then((r) => r.settings),
  save: (patch: Partial<Shown>) => request<unknown>("PATCH", "/api/settings", patch),
};

export function BudgetSettings() {
  const settings = useResource(() => settingsApi.get(), []);
  return (
    <Card title="Prices and the ritual miner" id="prices">
      <DataView resource={settings} isEmpty={() => false}>{(s) => <BudgetSettingsForm initial={s} onSaved={settings.reload} />}</DataView>
    </Card>
  );
}

function BudgetSettingsForm({ initial, onSaved }: { initial: Settings; onSaved: () => void }) {
  const owner = useSession().can("settings.manage");
  const [prices, setPrices] = useState<ModelPrice[]>(initial.modelPrices ?? []);
  const [form, setForm] = useState({ priceCurrency: initial.priceCurrency, minerRuns: initial.minerRuns, minerPeople: initial.minerPeople, minerWindowDays: initial.minerWindowDays });
  const [saved, setSaved] = useState(false);
  useEffect(() => setPrices(initial.modelPrices ?? []), [initial]);
  const save = useAction(() => settingsApi.save({ ...form, modelPrices: prices.filter((p) => p.model.trim() !== "") }));
  const setPrice = (i: number, key: keyof ModelPrice, value: string) =>
    setPrices(prices.map((p, j) => (j === i ? { ...p, [key]: key === "model" ? value : Number(value) } : p)));
  const num = (key: keyof typeof form) => (e: { currentTarget: HTMLInputElement }) => setForm({ ...form, [key]: Number(e.currentTarget.value) });
  return (
    <form class="stack" onSubmit={async (e) => { e.preventDefault(); setSaved(false); if (await save.run()) { setSaved(true); onSaved(); } }}>
      {save.error ? <Banner tone="error">{save.error}</Banner> : null}
      {saved ? <Banner tone="success" role="status">Saved.</Banner> : null}
      <fieldset class="stack" disabled={!owner}>
        <p class="muted small">Prices per million tokens, as your provider bills them. Models without a price show tokens only.</p>
        <div class="table-wrap">
          <table>
            <thead><tr><th>Model</th><th>Input</th><th>Output</th><th>Cache</th><th><span class="sr-only">Remove</span></th></tr></thead>
            <tbody>
              {prices.map((p, i) => (
                <tr key={i}>
                  <td><input aria-label="Model" maxLength={100} value={p.model} onInput={(e) => setPrice(i, "model", e.currentTarget.value)} /></td>
                  <td><input aria-label="Input per million" type="number" min={0} step="any" value={p.inputPerMillion} onInput={(e) => setPrice(i, "inputPerMillion", e.currentTarget.value)} /></td>
                  <td><input aria-label="Output per million" type="number" min={0} step="any" value={p.outputPerMillion} onInput={(e) => setPrice(i, "outputPerMillion", e.currentTarget.value)} /></td>
                  <td><input aria-label="Cache per million" type="number" min={0} step="any" value={p.cachePerMillion} onInput={(e) => setPrice(i, "cachePerMillion", e.currentTarget.value)} /></td>
                  <td><Button size="small" onClick={() => setPrices(prices.filter((_, j) => j !== i))}>Remove</Button></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <div class="row">
          <Button size="small" onClick={() => setPrices([...prices, { model: "", inputPerMillion: 0, outputPerMillion: 0, cachePerMillion: 0 }])}>Add a model</Button>
          <Field label="Currency">{(f) => <input {...f} maxLength={3} value={form.priceCurrency} onInput={(e) => setForm({ ...form, priceCurrency: e.currentTarget.value.toUpperCase() })} />}</Field>
        </div>
        <p class="muted small">The ritual miner proposes a runbook patch when a pattern repeats in at least this many runs of this many people within the window (a dismissed pattern stays muted as long).</p>
        <div class="grid grid-3">
          <Field label="Runs">{(f) => <input {...f} type="number" min={2} max={1000} value={form.minerRuns} onInput={num("minerRuns")} />}</Field>
          <Field label="People">{(f) => <input {...f} type="number" min={1} max={100} value={form.minerPeople} onInput={num("minerPeople")} />}</Field>
          <Field label="Window (days)">{(f) => <input {...f} type="number" min={1} max={365} value={form.minerWindowDays} onInput={num("minerWindowDays")} />}</Field>
        </div>
        {owner ? <div><Button type="submit" variant="primary" disabled={save.busy}>Save prices and miner settings</Button></div> : null}
      </fieldset>
    </form>
  );
}
