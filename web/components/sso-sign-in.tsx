// The single-sign-on part of the login page: "Sign in with SSO" (OIDC), directory sign-in (LDAP),
// and the explanation of a refused SSO sign-in (the reason comes back in ?sso_error=…).
import { useState } from "preact/hooks";
import { request, type User } from "../api.ts";
import { useAction } from "../hooks.ts";
import { Banner, Button, Field } from "./ui.tsx";

export interface SsoOptions {
  oidc: { label: string } | null;
  ldap: { label: string } | null;
  ssoOnly: boolean;
}

export const fetchSsoOptions = () => request<SsoOptions>("GET", "/api/auth/sso");

const REASONS: Record<string, string> = {
  state_mismatch: "That sign-in answer did not belong to a sign-in started in this browser. Start again.",
  round_trip_expired: "The sign-in took too long. Start again.",
  code_rejected: "The identity provider refused the sign-in code (it expired or was already used). Start again.",
  id_token_invalid: "The identity provider's answer did not pass validation. Ask the owner to check the SSO settings.",
  no_mapped_role: "Your account at the identity provider is in no group that has access to Railyard. Ask an admin.",
  disabled: "This Railyard account is disabled. Ask an admin.",
  no_email: "The identity provider sent no email address for your account. Ask the owner to check the SSO settings.",
  email_not_verified: "A Railyard account with your email exists, but the identity provider has not verified the email. Ask an admin.",
  provider_unreachable: "The identity provider could not be reached. Try again in a moment.",
  provider_error: "The identity provider refused the sign-in. Try again, or ask the owner to check the SSO settings.",
  misconfigured: "Single sign-on is misconfigured. Ask the owner to check the SSO settings.",
  not_configured: "Single sign-on is not configured.",
};

/** Reads `?sso_error=…` once and removes it from the address bar. */
export function takeSsoError(): string | null {
  const params = new URLSearchParams(location.search);
  const reason = params.get("sso_error");
  if (reason === null) return null;
  history.replaceState(null, "", location.pathname);
  return REASONS[reason] ?? "Single sign-on failed. Start again.";
}

export function SsoButtons({ options, onDone }: { options: SsoOptions; onDone: () => void }) {
  const [directory, setDirectory] = useState(false);
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const ldap = useAction(() => request<{ user: User }>("POST", "/api/auth/ldap", { username, password }));
  if (!options.oidc && !options.ldap) return null;
  return (
    <div class="stack">
      {options.oidc ? <a class="btn primary" href="/api/auth/oidc/start">{options.oidc.label}</a> : null}
      {options.ldap && !directory ? <Button onClick={() => setDirectory(true)}>{options.ldap.label}</Button> : null}
      {options.ldap && directory ? (
        <form class="form" aria-label="Directory sign-in" onSubmit={async (e) => { e.preventDefault(); if (await ldap.run()) onDone(); }}>
          {ldap.error ? <Banner tone="error" role="alert">{ldap.error}</Banner> : null}
          <Field label="Directory user name" hint="Your LDAP / Active Directory login.">{(p) => <input {...p} autocomplete="username" required maxLength={254} value={username} onInput={(e) => setUsername(e.currentTarget.value)} />}</Field>
          <Field label="Directory password">{(p) => <input {...p} type="password" autocomplete="current-password" required value={password} onInput={(e) => setPassword(e.currentTarget.value)} />}</Field>
          <Button type="submit" variant="primary" disabled={ldap.busy}>{ldap.busy ? "Signing in…" : "Sign in with directory account"}</Button>
        </form>
      ) : null}
    </div>
  );
}
