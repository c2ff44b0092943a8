// Settings → Sign-in: OIDC and LDAP providers, the group/claim-to-role mapping rules, and SSO-only
// mode. Owner only. Secrets (client secret, bind password) are write-only: the page shows whether
// one is set and sends a new one only when typed.
import { useEffect, useState } from "preact/hooks";
import type { IdentitySettingsView, RoleRule } from "../../src/core/identity/schemas.ts";
import { api, request, type Role, type Settings, type User } from "../api.ts";
import { useConfirm } from "../components/confirm.tsx";
import { DataView } from "../components/data-view.tsx";
import { Banner, Button, Card, Field } from "../components/ui.tsx";
import { useAction, useResource } from "../hooks.ts";
import { useSession } from "../session.tsx";

const ROLES: readonly Role[] = ["owner", "admin", "lead", "developer", "auditor"];

const getIdentity = () => request<{ identity: IdentitySettingsView }>("GET", "/api/settings/identity").then((d) => d.identity);
const patchIdentity = (body: unknown) => request<{ identity: IdentitySettingsView }>("PATCH", "/api/settings/identity", body);

export function IdentitySettings() {
  return useSession().can("settings.manage") ? <IdentitySettingsBody /> : null;
}

function IdentitySettingsBody() {
  const identity = useResource(getIdentity, []);
  const settings = useResource(() => api.settings(), []);
  return (
    <section class="stack" aria-label="Sign-in and single sign-on">
      <h2>Sign-in and single sign-on</h2>
      <DataView resource={identity} isEmpty={() => false}>
        {(view) => (
          <>
            <div class="grid grid-2">
              <OidcCard view={view} onSaved={identity.reload} />
              <LdapCard view={view} onSaved={identity.reload} />
            </div>
            <DataView resource={settings} isEmpty={() => false}>{(s) => <RoleRulesCard settings={s} onSaved={settings.reload} />}</DataView>
            <SsoOnlyCard view={view} onSaved={identity.reload} />
          </>
        )}
      </DataView>
    </section>
  );
}

/** A form's save: `proceed` may ask first (false: nothing is sent and nothing says "saved"). */
function useSaver(send: () => Promise<unknown>, onSaved: () => void, proceed: () => Promise<boolean> = async () => true) {
  const [saved, setSaved] = useState(false);
  const action = useAction(send);
  const submit = async (e: Event) => {
    e.preventDefault();
    setSaved(false);
    if (!(await proceed())) return;
    if (await action.run()) {
      setSaved(true);
      onSaved();
    }
  };
  return { action, saved, submit };
}

function OidcCard({ view, onSaved }: { view: IdentitySettingsView; onSaved: () => void }) {
  const fromFlags = view.oidc.source === "flags";
  const [form, setForm] = useState({ enabled: view.oidc.enabled, issuer: view.oidc.issuer, clientId: view.oidc.clientId, redirectUrl: view.oidc.redirectUrl ?? "", scopes: view.oidc.scopes.join(" "), groupsClaim: view.oidc.groupsClaim, label: view.oidc.label });
  const [secret, setSecret] = useState("");
  const { action, saved, submit } = useSaver(() => {
    const oidc: Record<string, unknown> = fromFlags
      ? {}
      : { enabled: form.enabled, issuer: form.issuer, clientId: form.clientId, redirectUrl: form.redirectUrl.trim() || null };
    Object.assign(oidc, { scopes: form.scopes.split(/\s+/).filter(Boolean), groupsClaim: form.groupsClaim, label: form.label });
    if (!fromFlags && secret) oidc.clientSecret = secret;
    // Scopes, groups claim and label apply to a provider given by flags too; the rest comes from the flags.
    return patchIdentity({ oidc }).then(() => setSecret(""));
  }, onSaved);
  const text = (key: keyof typeof form) => (e: { currentTarget: HTMLInputElement }) => setForm({ ...form, [key]: e.currentTarget.value });
  return (
    <Card title="OpenID Connect (Keycloak, Entra ID, Okta, Authentik, Dex)">
      <form class="form" onSubmit={submit} aria-label="OpenID Connect">
        {fromFlags ? <Banner tone="info" role="status">Configured by the <code>--oidc-*</code> flags of this server (issuer {view.oidc.issuer}); change the flags to change it.</Banner> : null}
        {action.error ? <Banner tone="error" role="alert">{action.error}</Banner> : null}
        {saved ? <Banner tone="success" role="status">OIDC settings saved.</Banner> : null}
        <fieldset class="form" disabled={fromFlags}>
          <label class="row"><input type="checkbox" checked={form.enabled} onChange={(e) => setForm({ ...form, enabled: e.currentTarget.checked })} /> Offer "Sign in with SSO"</label>
          <Field label="Issuer URL" hint="https:// (http:// only on a loopback address). Discovery reads <issuer>/.well-known/openid-configuration.">{(p) => <input {...p} type="url" required value={form.issuer} onInput={text("issuer")} />}</Field>
          <Field label="Client ID">{(p) => <input {...p} required value={form.clientId} onInput={text("clientId")} />}</Field>
          <Field label="Client secret" hint={view.oidc.clientSecretSet ? "A secret is set; type a new one to replace it." : "Not set (a public client). Never shown again once saved."}>{(p) => <input {...p} type="password" autocomplete="off" value={secret} onInput={(e) => setSecret(e.currentTarget.value)} />}</Field>
          <Field label="Redirect URL" hint={`Register this at the provider. Empty: ${view.oidc.effectiveRedirectUrl ?? "<public-url>/api/auth/oidc/callback"}`}>{(p) => <input {...p} type="url" value={form.redirectUrl} onInput={text("redirectUrl")} />}</Field>
        </fieldset>
        <Field label="Extra scopes" hint="Besides openid email profile, space-separated (e.g. groups, offline_access).">{(p) => <input {...p} value={form.scopes} onInput={text("scopes")} />}</Field>
        <Field label="Groups claim" hint="The ID token claim the mapping rules read as groups (Keycloak and Entra ID: groups; Entra app roles: roles).">{(p) => <input {...p} required value={form.groupsClaim} onInput={text("groupsClaim")} />}</Field>
        <Field label="Button text">{(p) => <input {...p} required maxLength={60} value={form.label} onInput={text("label")} />}</Field>
        <div><Button type="submit" variant="primary" disabled={action.busy}>Save OIDC</Button></div>
      </form>
    </Card>
  );
}

function LdapCard({ view, onSaved }: { view: IdentitySettingsView; onSaved: () => void }) {
  const l = view.ldap;
  const [form, setForm] = useState({ ...l, caFile: l.caFile ?? "", groupBaseDn: l.groupBaseDn ?? "" });
  const [password, setPassword] = useState("");
  const { action, saved, submit } = useSaver(() => {
    const { bindPasswordSet: _set, ...fields } = form;
    const ldap: Record<string, unknown> = { ...fields, caFile: form.caFile.trim() || null, groupBaseDn: form.groupBaseDn.trim() || null };
    if (password) ldap.bindPassword = password;
    return patchIdentity({ ldap }).then(() => setPassword(""));
  }, onSaved);
  const text = (key: keyof typeof form) => (e: { currentTarget: HTMLInputElement }) => setForm({ ...form, [key]: e.currentTarget.value });
  return (
    <Card title="LDAP / Active Directory">
      <form class="form" onSubmit={submit} aria-label="LDAP">
        {action.error ? <Banner tone="error" role="alert">{action.error}</Banner> : null}
        {saved ? <Banner tone="success" role="status">LDAP settings saved.</Banner> : null}
        <label class="row"><input type="checkbox" checked={form.enabled} onChange={(e) => setForm({ ...form, enabled: e.currentTarget.checked })} /> Offer directory sign-in</label>
        <Field label="Server URL" hint="ldaps://host:636, or ldap://host:389 with StartTLS.">{(p) => <input {...p} required value={form.url} onInput={text("url")} />}</Field>
        <label class="row"><input type="checkbox" checked={form.startTls} onChange={(e) => setForm({ ...form, startTls: e.currentTarget.checked })} /> StartTLS (for ldap:// URLs)</label>
        <Field label="CA file" hint="PEM file on this server the directory's certificate chains to (empty: the system's trust store).">{(p) => <input {...p} value={form.caFile} onInput={text("caFile")} />}</Field>
        <Field label="Service account (bind DN)">{(p) => <input {...p} required value={form.bindDn} onInput={text("bindDn")} />}</Field>
        <Field label="Service account password" hint={l.bindPasswordSet ? "A password is set; type a new one to replace it." : "Not set yet: directory sign-in stays off until it is."}>{(p) => <input {...p} type="password" autocomplete="off" value={password} onInput={(e) => setPassword(e.currentTarget.value)} />}</Field>
        <Field label="Search base">{(p) => <input {...p} required value={form.baseDn} onInput={text("baseDn")} />}</Field>
        <Field label="User filter" hint="{login} is replaced by the escaped user name.">{(p) => <input {...p} required value={form.userFilter} onInput={text("userFilter")} />}</Field>
        <Field label="Group search base" hint="Empty: only the entry's memberOf (Active Directory).">{(p) => <input {...p} value={form.groupBaseDn} onInput={text("groupBaseDn")} />}</Field>
        <Field label="Group filter" hint="{dn} is replaced by the person's DN.">{(p) => <input {...p} required value={form.groupFilter} onInput={text("groupFilter")} />}</Field>
        <div class="grid grid-2">
          <Field label="Email attribute">{(p) => <input {...p} required value={form.emailAttribute} onInput={text("emailAttribute")} />}</Field>
          <Field label="Name attribute">{(p) => <input {...p} required value={form.nameAttribute} onInput={text("nameAttribute")} />}</Field>
        </div>
        <Field label="Button text">{(p) => <input {...p} required maxLength={60} value={form.label} onInput={text("label")} />}</Field>
        <div><Button type="submit" variant="primary" disabled={action.busy}>Save LDAP</Button></div>
      </form>
    </Card>
  );
}

function RoleRulesCard({ settings, onSaved }: { settings: Settings; onSaved: () => void }) {
  const [rules, setRules] = useState<RoleRule[]>(settings.ssoRoleRules);
  const [fallback, setFallback] = useState<Settings["ssoDefaultRole"]>(settings.ssoDefaultRole);
  useEffect(() => { setRules(settings.ssoRoleRules); setFallback(settings.ssoDefaultRole); }, [settings]);
  const { action, saved, submit } = useSaver(() => api.updateSettings({ ssoRoleRules: rules, ssoDefaultRole: fallback }), onSaved);
  const set = (i: number, patch: Partial<RoleRule>) => setRules(rules.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  const move = (i: number, by: number) => {
    const next = [...rules];
    const [rule] = next.splice(i, 1);
    next.splice(i + by, 0, rule!);
    setRules(next);
  };
  return (
    <Card title="Group and claim to role mapping">
      <form class="form" onSubmit={submit} aria-label="Role mapping">
        <p class="muted small">Tried from the top at every SSO sign-in; the first rule whose claim contains the value (case-insensitive) gives the role. For LDAP, <code>groups</code> holds each group's DN and common name.</p>
        {action.error ? <Banner tone="error" role="alert">{action.error}</Banner> : null}
        {saved ? <Banner tone="success" role="status">Mapping rules saved.</Banner> : null}
        <table class="table">
          <thead><tr><th>#</th><th>Provider</th><th>Claim</th><th>Contains</th><th>Role</th><th /></tr></thead>
          <tbody>
            {rules.map((r, i) => (
              <tr key={i}>
                <td>{i + 1}</td>
                <td><select aria-label={`Provider of rule ${i + 1}`} value={r.provider} onChange={(e) => set(i, { provider: e.currentTarget.value as RoleRule["provider"] })}><option value="any">any</option><option value="oidc">OIDC</option><option value="ldap">LDAP</option></select></td>
                <td><input aria-label={`Claim of rule ${i + 1}`} required value={r.claim} onInput={(e) => set(i, { claim: e.currentTarget.value })} /></td>
                <td><input aria-label={`Value of rule ${i + 1}`} required value={r.value} onInput={(e) => set(i, { value: e.currentTarget.value })} /></td>
                <td><select aria-label={`Role of rule ${i + 1}`} value={r.role} onChange={(e) => set(i, { role: e.currentTarget.value as Role })}>{ROLES.map((role) => <option value={role}>{role}</option>)}</select></td>
                <td class="row">
                  <Button size="small" disabled={i === 0} onClick={() => move(i, -1)} aria-label={`Move rule ${i + 1} up`}>↑</Button>
                  <Button size="small" disabled={i === rules.length - 1} onClick={() => move(i, 1)} aria-label={`Move rule ${i + 1} down`}>↓</Button>
                  <Button size="small" variant="danger" onClick={() => setRules(rules.filter((_, j) => j !== i))} aria-label={`Remove rule ${i + 1}`}>Remove</Button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <div><Button onClick={() => setRules([...rules, { provider: "any", claim: "groups", value: "", role: "developer" }])}>Add rule</Button></div>
        <Field label="When no rule matches" hint="The role of a person no rule matches, or refuse their sign-in.">
          {(p) => (
            <select {...p} value={fallback} onChange={(e) => setFallback(e.currentTarget.value as Settings["ssoDefaultRole"])}>
              {ROLES.map((role) => <option value={role}>{role}</option>)}
              <option value="none">none: refuse the sign-in</option>
            </select>
          )}
        </Field>
        <div><Button type="submit" variant="primary" disabled={action.busy}>Save mapping</Button></div>
      </form>
    </Card>
  );
}

function SsoOnlyCard({ view, onSaved }: { view: IdentitySettingsView; onSaved: () => void }) {
  const owners = useResource(async () => (await api.users()).filter((u: User) => u.role === "owner" && !u.disabled), []);
  const [enabled, setEnabled] = useState(view.ssoOnly);
  const [breakGlass, setBreakGlass] = useState(view.breakGlassOwnerId ?? "");
  const confirm = useConfirm();
  const { action, saved, submit } = useSaver(
    () => patchIdentity({ ssoOnly: enabled, breakGlassOwnerId: breakGlass || null }),
    onSaved,
    async () => !(enabled && !view.ssoOnly) || confirm.ask({ title: "Turn password sign-in off?", body: "Everyone but the break-glass owner will have to sign in with single sign-on.", confirm: "Turn on SSO-only" }),
  );
  return (
    <Card title="SSO-only mode">
      <form class="form" onSubmit={submit} aria-label="SSO-only mode">
        {confirm.element}
        {action.error ? <Banner tone="error" role="alert">{action.error}</Banner> : null}
        {saved ? <Banner tone="success" role="status">SSO-only mode saved.</Banner> : null}
        <label class="row"><input type="checkbox" checked={enabled} onChange={(e) => setEnabled(e.currentTarget.checked)} /> Password sign-in off for everyone but the break-glass owner</label>
        <Field label="Break-glass owner" hint="Keeps password sign-in, for when the identity provider is down.">
          {(p) => (
            <select {...p} value={breakGlass} onChange={(e) => setBreakGlass(e.currentTarget.value)}>
              <option value="">(none)</option>
              {(owners.data ?? []).map((u: User) => <option value={u.id}>{u.name} ({u.email})</option>)}
            </select>
          )}
        </Field>
        <div><Button type="submit" variant="primary" disabled={action.busy}>Save SSO-only mode</Button></div>
      </form>
    </Card>
  );
}
