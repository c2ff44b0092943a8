// People: invite (the person sets their own password with a one-time link), change role (never
// above one's own), disable, and issue a one-time password reset link (the admin never sees a password).
import type { ComponentChildren } from "preact";
import { useState } from "preact/hooks";
import { api, type ResetLink, type Role, type User } from "../api.ts";
import { DataView } from "../components/data-view.tsx";
import { useConfirm } from "../components/confirm.tsx";
import { Banner, Button, Card, CopyButton, Dialog, Field, NotForRole, PageHeader, Pill, RolePill } from "../components/ui.tsx";
import { useFormErrors } from "../errors.ts";
import { formatDate } from "../format.ts";
import { useAction, useResource } from "../hooks.ts";
import { useLive } from "../live.ts";
import { useSession } from "../session.tsx";
import { useSort } from "../components/sortable.tsx";
import { ROLE_LIST } from "../permissions.ts";

export function PeopleScreen() {
  const session = useSession();
  if (!session.can("users.manage")) return <NotForRole title="People" who="Owners and admins invite people and change their roles." />;
  return <PeopleList />;
}

function PeopleList() {
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
          {(list) => <PeopleTable list={list} roles={roles} onChange={users.reload} />}
        </DataView>
      </Card>
      {inviting ? <InviteDialog roles={roles} onClose={() => setInviting(false)} onDone={() => { setInviting(false); users.reload(); }} /> : null}
    </>
  );
}

/** Everyone, sortable by name, role (in rank order), status and since when. */
function PeopleTable({ list, roles, onChange }: { list: User[]; roles: Role[]; onChange: () => void }) {
  const sort = useSort(list, { name: (u) => u.name, role: (u) => ROLE_LIST.indexOf(u.role), status: (u) => (u.disabled ? "disabled" : "active"), since: (u) => u.createdAt });
  return (
    <div class="table-wrap">
      <table>
        <thead><tr>{sort.header("name", "Person")}{sort.header("role", "Role")}{sort.header("status", "Status")}{sort.header("since", "Since", "hide-narrow")}<th><span class="sr-only">Actions</span></th></tr></thead>
        <tbody>{sort.rows.map((u) => <PersonRow key={u.id} user={u} roles={roles} onChange={onChange} />)}</tbody>
      </table>
    </div>
  );
}

function PersonRow({ user, roles, onChange }: { user: User; roles: Role[]; onChange: () => void }) {
  const session = useSession();
  const self = user.id === session.me.user.id;
  const editable = !self && roles.includes(user.role);
  const action = useAction((patch: { role?: Role; disabled?: boolean }) => api.updateUser(user.id, patch));
  const [link, setLink] = useState<ResetLink | null>(null);
  const reset = useAction(async () => setLink(await api.issuePasswordReset(user.id)));
  const confirm = useConfirm();
  // The last change, so it can be undone with one click (role back, or enabled again).
  const [undo, setUndo] = useState<{ text: string; patch: { role?: Role; disabled?: boolean } } | null>(null);
  const apply = async (patch: { role?: Role; disabled?: boolean }, question: { title: string; body: ComponentChildren; confirm: string }, undoWith: { text: string; patch: { role?: Role; disabled?: boolean } }) => {
    if (!(await confirm.ask({ ...question, tone: patch.disabled ? "danger" : "primary" }))) return false;
    if (await action.run(patch)) {
      setUndo(undoWith);
      onChange();
      return true;
    }
    return false;
  };
  const changeRole = (role: Role) => apply(
    { role },
    { title: `Make ${user.name} ${role === "admin" || role === "auditor" ? "an" : "a"} ${role}?`, body: <p>{user.name} becomes {role} instead of {user.role} at once, in every open session; their agents' plugin keys act with the new role on their next call. This is recorded in the audit trail.</p>, confirm: `Make ${role}` },
    { text: `${user.name} is now ${role}.`, patch: { role: user.role } },
  );
  const toggle = () => user.disabled
    ? apply({ disabled: false }, { title: `Enable ${user.name}?`, body: <p>{user.name} can sign in again; their plugin keys work again unless revoked.</p>, confirm: "Enable" }, { text: `${user.name} is enabled.`, patch: { disabled: true } })
    : apply({ disabled: true }, { title: `Disable ${user.name}?`, body: <p>{user.name} is signed out everywhere and cannot sign in; their agents' plugin keys stop working on the next call. Their runs and history stay. You can enable them again.</p>, confirm: "Disable" }, { text: `${user.name} is disabled.`, patch: { disabled: false } });
  return (
    <tr>
      <td>
        {user.name}{self ? <span class="muted"> (you)</span> : null}<div class="sub">{user.email}</div>
        {action.error || reset.error ? <div class="error-text small" role="alert">{action.error ?? reset.error}</div> : null}
        {undo ? <div class="small" role="status">{undo.text} <Button size="small" variant="link" onClick={async () => { const u = undo; setUndo(null); if (await action.run(u.patch)) onChange(); }}>Undo</Button></div> : null}
        {confirm.element}
      </td>
      <td>
        {editable ? (
          <select aria-label={`Role of ${user.name}`} value={user.role} disabled={action.busy} onChange={async (e) => { const select = e.currentTarget; if (!(await changeRole(select.value as Role))) select.value = user.role; }}>
            {roles.map((r) => <option key={r} value={r}>{r}</option>)}
          </select>
        ) : (
          <RolePill role={user.role} />
        )}
      </td>
      <td>{user.disabled ? <Pill tone="gray">disabled</Pill> : <Pill tone="green">active</Pill>}</td>
      <td class="hide-narrow">{formatDate(user.createdAt)}</td>
      <td>
        {editable ? (
          <div class="row">
            <Button size="small" disabled={reset.busy} onClick={() => void reset.run()} aria-label={`Reset password of ${user.name}`}>Reset password</Button>
            <Button size="small" variant={user.disabled ? "default" : "danger"} disabled={action.busy} onClick={() => void toggle()}>{user.disabled ? "Enable" : "Disable"}</Button>
          </div>
        ) : null}
        {link ? (
          <LinkDialog title={`Password reset link for ${user.name}`} link={link} onClose={() => setLink(null)}>
            Send this link to {user.email}. With it they choose a new password; their sessions end then. Earlier reset links for them no longer work.
          </LinkDialog>
        ) : null}
      </td>
    </tr>
  );
}

/** Shows a one-time link once, with a copy button: Railyard keeps only its hash. */
function LinkDialog({ title, link, onClose, children }: { title: string; link: ResetLink; onClose: () => void; children: ComponentChildren }) {
  return (
    <Dialog title={title} onClose={onClose} footer={<Button variant="primary" onClick={onClose}>Done</Button>}>
      <div class="stack">
        <p>{children}</p>
        <Banner tone="warn" role="alert">Copy the link now: it is shown once, works once and expires {formatDate(link.expiresAt)}.</Banner>
        <div class="secret">
          <code data-testid="reset-link">{link.resetLink}</code>
          <CopyButton text={link.resetLink} label="Copy link" />
        </div>
      </div>
    </Dialog>
  );
}

function InviteDialog({ roles, onClose, onDone }: { roles: Role[]; onClose: () => void; onDone: () => void }) {
  const [form, setForm] = useState({ name: "", email: "", role: "developer" as Role });
  const [invited, setInvited] = useState<(ResetLink & { user: User }) | null>(null);
  const action = useAction(async () => setInvited(await api.createUser({ name: form.name.trim(), email: form.email.trim(), role: form.role })));
  const errors = useFormErrors(action.failure, ["name", "email", "role"]);
  if (invited) {
    return (
      <LinkDialog title={`${invited.user.name} is invited`} link={invited} onClose={onDone}>
        Send this link to {invited.user.email}. With it they choose their own password and sign in; you never see it.
      </LinkDialog>
    );
  }
  return (
    <Dialog title="Invite a person" onClose={onClose} footer={<><Button onClick={onClose}>Cancel</Button><Button variant="primary" type="submit" form="invite" disabled={action.busy}>Create account</Button></>}>
      <form id="invite" class="form" onSubmit={async (e) => { e.preventDefault(); await action.run(); }}>
        {errors.general ? <Banner tone="error">{errors.general}</Banner> : null}
        <Field label="Name" error={errors.of("name")}>{(p) => <input {...p} required maxLength={100} value={form.name} onInput={(e) => { setForm({ ...form, name: e.currentTarget.value }); errors.clear("name"); }} />}</Field>
        <Field label="Email" error={errors.of("email")}>{(p) => <input {...p} type="email" required maxLength={254} value={form.email} onInput={(e) => { setForm({ ...form, email: e.currentTarget.value }); errors.clear("email"); }} />}</Field>
        <Field label="Role" hint="They get a one-time link (valid one hour) to choose their own password.">{(p) => <select {...p} value={form.role} onChange={(e) => setForm({ ...form, role: e.currentTarget.value as Role })}>{roles.map((r) => <option key={r} value={r}>{r}</option>)}</select>}</Field>
      </form>
    </Dialog>
  );
}
