// People: invite (create with a first password), change role (never above one's own), disable.
import { useState } from "preact/hooks";
import { api, type Role, type User } from "../api.ts";
import { DataView } from "../components/data-view.tsx";
import { Banner, Button, Card, Dialog, Field, PageHeader, Pill, RolePill } from "../components/ui.tsx";
import { formatDate } from "../format.ts";
import { useAction, useResource } from "../hooks.ts";
import { useLive } from "../live.ts";
import { useSession } from "../session.tsx";

export function PeopleScreen() {
  const users = useResource(() => api.users(), []);
  useLive((e) => e.type.startsWith("user."), users.reload);
  const session = useSession();
  const [inviting, setInviting] = useState(false);
  const roles = session.me.grantableRoles;
  return (
    <>
      <PageHeader title="People" description="Everyone who can sign in, and their role." actions={<Button variant="primary" onClick={() => setInviting(true)}>Invite person</Button>} />
      <Card flush>
        <DataView resource={users} empty={{ title: "Nobody yet" }}>
          {(list) => (
            <div class="table-wrap">
              <table>
                <thead><tr><th>Person</th><th>Role</th><th>Status</th><th class="hide-narrow">Since</th><th><span class="sr-only">Actions</span></th></tr></thead>
                <tbody>{list.map((u) => <PersonRow key={u.id} user={u} roles={roles} onChange={users.reload} />)}</tbody>
              </table>
            </div>
          )}
        </DataView>
      </Card>
      {inviting ? <InviteDialog roles={roles} onClose={() => setInviting(false)} onDone={() => { setInviting(false); users.reload(); }} /> : null}
    </>
  );
}

function PersonRow({ user, roles, onChange }: { user: User; roles: Role[]; onChange: () => void }) {
  const session = useSession();
  const self = user.id === session.me.user.id;
  const editable = !self && roles.includes(user.role);
  const action = useAction((patch: { role?: Role; disabled?: boolean }) => api.updateUser(user.id, patch));
  const apply = async (patch: { role?: Role; disabled?: boolean }) => {
    if (await action.run(patch)) onChange();
  };
  return (
    <tr>
      <td>{user.name}{self ? <span class="muted"> (you)</span> : null}<div class="sub">{user.email}</div>{action.error ? <div class="error-text small" role="alert">{action.error}</div> : null}</td>
      <td>
        {editable ? (
          <select aria-label={`Role of ${user.name}`} value={user.role} disabled={action.busy} onChange={(e) => void apply({ role: e.currentTarget.value as Role })}>
            {roles.map((r) => <option key={r} value={r}>{r}</option>)}
          </select>
        ) : (
          <RolePill role={user.role} />
        )}
      </td>
      <td>{user.disabled ? <Pill tone="gray">disabled</Pill> : <Pill tone="green">active</Pill>}</td>
      <td class="hide-narrow">{formatDate(user.createdAt)}</td>
      <td>{editable ? <Button size="small" variant={user.disabled ? "default" : "danger"} disabled={action.busy} onClick={() => void apply({ disabled: !user.disabled })}>{user.disabled ? "Enable" : "Disable"}</Button> : null}</td>
    </tr>
  );
}

function InviteDialog({ roles, onClose, onDone }: { roles: Role[]; onClose: () => void; onDone: () => void }) {
  const [form, setForm] = useState({ name: "", email: "", role: "developer" as Role, password: "" });
  const action = useAction(() => api.createUser({ name: form.name.trim(), email: form.email.trim(), role: form.role, password: form.password }));
  return (
    <Dialog title="Invite a person" onClose={onClose} footer={<><Button onClick={onClose}>Cancel</Button><Button variant="primary" type="submit" form="invite" disabled={action.busy}>Create account</Button></>}>
      <form id="invite" class="form" onSubmit={async (e) => { e.preventDefault(); if (await action.run()) onDone(); }}>
        {action.error ? <Banner tone="error">{action.error}</Banner> : null}
        <Field label="Name">{(p) => <input {...p} required maxLength={100} value={form.name} onInput={(e) => setForm({ ...form, name: e.currentTarget.value })} />}</Field>
        <Field label="Email">{(p) => <input {...p} type="email" required maxLength={254} value={form.email} onInput={(e) => setForm({ ...form, email: e.currentTarget.value })} />}</Field>
        <Field label="Role">{(p) => <select {...p} value={form.role} onChange={(e) => setForm({ ...form, role: e.currentTarget.value as Role })}>{roles.map((r) => <option key={r} value={r}>{r}</option>)}</select>}</Field>
        <Field label="First password" hint="At least 12 characters. Hand it over in person; they can change it after signing in.">
          {(p) => <input {...p} type="password" autocomplete="new-password" required minLength={12} maxLength={1024} value={form.password} onInput={(e) => setForm({ ...form, password: e.currentTarget.value })} />}
        </Field>
      </form>
    </Dialog>
  );
}
