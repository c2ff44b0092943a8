// The signed-in person's own account: change the password (the current one is required; their
// other sessions end, this one stays).
import { useState } from "preact/hooks";
import { api } from "../api.ts";
import { Banner, Button, Card, Field, PageHeader } from "../components/ui.tsx";
import { NewPasswordFields, useNewPassword } from "../components/new-password.tsx";
import { useAction } from "../hooks.ts";
import { useSession } from "../session.tsx";
import { NotificationPreferences } from "./notification-preferences.tsx";

export function AccountScreen() {
  const session = useSession();
  const [current, setCurrent] = useState("");
  const next = useNewPassword();
  const [done, setDone] = useState<number | null>(null);
  const action = useAction(async () => {
    const { sessionsRevoked } = await api.changePassword({ currentPassword: current, newPassword: next.value });
    setDone(sessionsRevoked);
    setCurrent("");
    next.clear();
  });
  const submit = async (e: Event) => {
    e.preventDefault();
    setDone(null);
    if (next.confirmed() && (await action.run())) session.announce("Password changed");
  };
  document.title = "Account · Railyard";
  return (
    <>
      <PageHeader title="Account" description={`${session.me.user.name} · ${session.me.user.email}`} />
      <Card title="Change password">
        <form class="form" onSubmit={submit}>
          {action.error ? <Banner tone="error">{action.error}</Banner> : null}
          {done !== null ? <Banner tone="success">Password changed.{done > 0 ? ` ${done} other session${done === 1 ? " was" : "s were"} signed out.` : ""}</Banner> : null}
          <input type="email" autocomplete="username" value={session.me.user.email} hidden readOnly />
          <Field label="Current password">{(p) => <input {...p} type="password" autocomplete="current-password" required maxLength={1024} value={current} onInput={(e) => setCurrent(e.currentTarget.value)} />}</Field>
          <NewPasswordFields password={next} label="New password" repeatLabel="Repeat new password" hint="At least 12 characters; not a common password. Your other sessions are signed out." />
          <div><Button type="submit" variant="primary" disabled={action.busy}>{action.busy ? "Changing…" : "Change password"}</Button></div>
        </form>
      </Card>
      <NotificationPreferences />
    </>
  );
}
