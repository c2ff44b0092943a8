// First-run setup and password reset (tokens from the URL fragment, never sent in a URL to the server) and sign-in.
import type { ComponentChildren } from "preact";
import { useEffect, useState } from "preact/hooks";
import { api } from "../api.ts";
import { Banner, Button, Field } from "../components/ui.tsx";
import { useAction } from "../hooks.ts";
import { Brand } from "../components/brand.tsx";
import { NewPasswordFields, useNewPassword } from "../components/new-password.tsx";
import { fetchSsoOptions, SsoButtons, takeSsoError, type SsoOptions } from "../components/sso-sign-in.tsx";

function AuthCard({ title, intro, children }: { title: string; intro?: ComponentChildren; children: ComponentChildren }) {
  return (
    <main class="auth">
      <div class="card">
        <div class="card-body stack">
          <Brand />
          <div>
            <h1>{title}</h1>
            {intro ? <p class="muted">{intro}</p> : null}
          </div>
          {children}
        </div>
      </div>
    </main>
  );
}

export function LoginScreen({ onDone }: { onDone: () => void }) {
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [ssoError] = useState(takeSsoError);
  const [sso, setSso] = useState<SsoOptions | null>(null);
  const [breakGlass, setBreakGlass] = useState(false);
  useEffect(() => {
    fetchSsoOptions().then(setSso, () => setSso({ oidc: null, ldap: null, ssoOnly: false }));
  }, []);
  const action = useAction(() => api.login({ email, password }));
  const submit = async (e: Event) => {
    e.preventDefault();
    if (await action.run()) onDone();
  };
  document.title = "Sign in · Railyard";
  // In SSO-only mode the password form is for the break-glass owner only, one click away.
  const passwordForm = !sso?.ssoOnly || breakGlass;
  return (
    <AuthCard title="Sign in" intro="Approve, watch and audit your team's agent runs.">
      {ssoError ? <Banner tone="error" role="alert">{ssoError}</Banner> : null}
      {sso ? <SsoButtons options={sso} onDone={onDone} /> : null}
      {sso && (sso.oidc || sso.ldap) && passwordForm ? <p class="muted small">or sign in with your Railyard password</p> : null}
      {passwordForm ? (
        <form class="form" onSubmit={submit} onInput={action.clear} aria-describedby={action.error ? "login-error" : undefined}>
          {action.error ? <div id="login-error"><Banner tone="error">{action.error}</Banner></div> : null}
          <Field label="Email">{(p) => <input {...p} type="email" autocomplete="username" required value={email} onInput={(e) => setEmail(e.currentTarget.value)} />}</Field>
          <Field label="Password">{(p) => <input {...p} type="password" autocomplete="current-password" required value={password} onInput={(e) => setPassword(e.currentTarget.value)} />}</Field>
          <Button type="submit" variant="primary" disabled={action.busy}>{action.busy ? "Signing in…" : "Sign in"}</Button>
        </form>
      ) : (
        <Button variant="link" onClick={() => setBreakGlass(true)}>Break-glass owner sign-in</Button>
      )}
      <p class="muted small">{sso?.ssoOnly ? "Password sign-in is off: use single sign-on." : "Forgot your password? Ask an admin for a reset link."}</p>
    </AuthCard>
  );
}

/** Reads the one-time token from `#token=…` once, then removes it from the address bar and history. */
function takeSetupToken(): string {
  const hash = new URLSearchParams(location.hash.slice(1));
  const token = hash.get("token") ?? "";
  if (location.hash) history.replaceState(null, "", location.pathname);
  return token;
}

export function SetupScreen({ onDone }: { onDone: () => void }) {
  const [token] = useState(takeSetupToken);
  // A used link (setup done) says so at once instead of showing a form that fails on submit.
  const [needed, setNeeded] = useState<boolean | undefined>(undefined);
  useEffect(() => {
    api.setupNeeded().then((s) => setNeeded(s.needed), () => setNeeded(true));
  }, []);
  const [name, setName] = useState("");
  const [email, setEmail] = useState("");
  const password = useNewPassword();
  const action = useAction(async () => {
    await api.setup({ token, email, name, password: password.value });
    await api.login({ email, password: password.value });
  });
  const submit = async (e: Event) => {
    e.preventDefault();
    if (password.confirmed() && (await action.run())) onDone();
  };
  document.title = "Set up · Railyard";
  if (needed === false) {
    return (
      <AuthCard title="Set up Railyard">
        <Banner tone="info" role="status">Setup is already complete: this link has been used. <a href="/">Sign in</a> instead, or ask the owner to invite you.</Banner>
      </AuthCard>
    );
  }
  if (needed === undefined && token) return <AuthCard title="Set up Railyard"><p class="muted">Checking the link…</p></AuthCard>;
  if (!token) {
    return (
      <AuthCard title="Set up Railyard">
        <Banner tone="warn">
          This page needs the one-time setup link that Railyard printed when it first started (it ends in <code>#token=…</code>). Restart the server to print a new one, or <a href="/">sign in</a> if setup is done.
        </Banner>
      </AuthCard>
    );
  }
  return (
    <AuthCard title="Create the owner account" intro="This link works once. The owner manages settings, people and projects.">
      <form class="form" onSubmit={submit} onInput={action.clear}>
        {action.error ? <Banner tone="error">{action.error}</Banner> : null}
        <Field label="Your name">{(p) => <input {...p} autocomplete="name" required maxLength={100} value={name} onInput={(e) => setName(e.currentTarget.value)} />}</Field>
        <Field label="Email">{(p) => <input {...p} type="email" autocomplete="username" required maxLength={254} value={email} onInput={(e) => setEmail(e.currentTarget.value)} />}</Field>
        <NewPasswordFields password={password} label="Password" repeatLabel="Repeat password" hint="At least 12 characters; not a common password." />
        <Button type="submit" variant="primary" disabled={action.busy}>{action.busy ? "Creating…" : "Create owner account"}</Button>
      </form>
    </AuthCard>
  );
}

/** The page a one-time reset (or invitation) link opens: the person sets their own password. */
export function ResetPasswordScreen({ onDone }: { onDone: () => void }) {
  const [token, setToken] = useState(takeSetupToken);
  const [target, setTarget] = useState<{ email: string; name: string } | null | undefined>(undefined);
  const password = useNewPassword();
  // Another link opened in this tab changes only the fragment (no page load): that link counts now.
  useEffect(() => {
    const onHash = () => {
      if (!location.hash.includes("token=")) return;
      setTarget(undefined);
      setToken(takeSetupToken());
    };
    window.addEventListener("hashchange", onHash);
    return () => window.removeEventListener("hashchange", onHash);
  }, []);
  useEffect(() => {
    if (!token) return setTarget(null);
    let current = true;
    api.checkPasswordReset(token).then((t) => current && setTarget(t), () => current && setTarget(null));
    return () => {
      current = false;
    };
  }, [token]);
  const action = useAction(async () => {
    const { email } = await api.completePasswordReset({ token, password: password.value });
    await api.login({ email, password: password.value });
  });
  const submit = async (e: Event) => {
    e.preventDefault();
    if (password.confirmed() && (await action.run())) onDone();
  };
  document.title = "Set your password · Railyard";
  if (target === undefined) return <AuthCard title="Set your password"><p class="muted">Checking the link…</p></AuthCard>;
  if (target === null) {
    return (
      <AuthCard title="Set your password">
        <Banner tone="warn">This link is invalid, used or expired (links work once, for one hour). Ask an admin for a new one, or <a href="/">sign in</a>.</Banner>
      </AuthCard>
    );
  }
  return (
    <AuthCard title="Set your password" intro={`For ${target.name} (${target.email}). This link works once.`}>
      <form class="form" onSubmit={submit} onInput={action.clear}>
        {action.error ? <Banner tone="error">{action.error}</Banner> : null}
        <input type="email" autocomplete="username" value={target.email} hidden readOnly />
        <NewPasswordFields password={password} label="New password" repeatLabel="Repeat password" hint="At least 12 characters; not a common password." />
        <Button type="submit" variant="primary" disabled={action.busy}>{action.busy ? "Saving…" : "Set password and sign in"}</Button>
      </form>
    </AuthCard>
  );
}
