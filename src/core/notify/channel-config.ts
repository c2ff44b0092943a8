// A channel's settings, checked per kind: what may be shown (config) and what is write-only (secrets).
import { isLocalHostName } from "../../lib/net-address.ts";
import { deriveKey, seal, unseal } from "../../lib/seal.ts";
import { invalid } from "../errors.ts";
import type { ChannelKind } from "./queries.ts";
import type { CreateChannelInput, SmtpSecurity } from "./schemas.ts";

export interface ChannelSecrets {
  /** Webhook signing secret. */
  secret?: string;
  /** Slack / Teams incoming-webhook URL. */
  url?: string;
  /** ntfy access token. */
  token?: string;
  /** SMTP password. */
  password?: string;
}

export interface WebhookConfig { url: string }
export interface ChatConfig { origin: string }
export interface NtfyConfig { url: string }
export interface EmailConfig { host: string; port: number; security: SmtpSecurity; username: string | null; from: string; to: string[] }

type Fields = Omit<CreateChannelInput, "kind" | "name" | "enabled" | "events" | "projects" | "audienceRole" | "personal" | "allowPrivateNetwork">;

const FIELDS_OF: Readonly<Record<ChannelKind, readonly (keyof Fields)[]>> = Object.freeze({
  webhook: ["url", "secret"],
  slack: ["url"],
  teams: ["url"],
  ntfy: ["url", "token"],
  email: ["host", "port", "security", "username", "password", "from", "to"],
});
const SECRET_FIELDS: readonly (keyof Fields)[] = ["secret", "token", "password"];
const DEFAULT_PORT: Readonly<Record<SmtpSecurity, number>> = { starttls: 587, tls: 465, none: 25 };

/** The key channel secrets are sealed with: derived from the data dir's audit key (outside the database, one file for every node). */
export function channelSecretsKey(auditKey: Uint8Array): Uint8Array {
  return deriveKey(auditKey, "notification-channel-secrets/v1");
}

export function sealSecrets(auditKey: Uint8Array, channelId: string, secrets: ChannelSecrets): string | null {
  return Object.keys(secrets).length === 0 ? null : seal(channelSecretsKey(auditKey), JSON.stringify(secrets), channelId);
}

export function openSecrets(auditKey: Uint8Array, channelId: string, sealed: string | null): ChannelSecrets {
  return sealed === null ? {} : (JSON.parse(unseal(channelSecretsKey(auditKey), sealed, channelId)) as ChannelSecrets);
}

/** Refuses fields that do not belong to the kind (a Slack channel has no signing secret). */
export function refuseForeignFields(kind: ChannelKind, input: Record<string, unknown>): void {
  const all = new Set(Object.values(FIELDS_OF).flat());
  const foreign = Object.keys(input).filter((k) => all.has(k as keyof Fields) && !FIELDS_OF[kind].includes(k as keyof Fields) && input[k] !== undefined);
  if (foreign.length > 0) throw invalid(`${foreign.join(", ")}: not a setting of a ${kind} channel`, { fields: foreign });
}

function checkUrl(field: string, raw: string, allowLocal: boolean): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw invalid(`${field}: not a URL`, { fields: [field] });
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") throw invalid(`${field}: must start with https:// (or http://)`, { fields: [field] });
  if (url.username || url.password) throw invalid(`${field}: must not contain credentials (use the token or secret field)`, { fields: [field] });
  checkHost(field, url.hostname, allowLocal);
  return url;
}

function checkHost(field: string, host: string, allowLocal: boolean): void {
  if (!allowLocal && isLocalHostName(host)) {
    throw invalid(`${field}: a loopback or link-local destination needs the owner's explicit permission (allowPrivateNetwork)`, { fields: [field, "allowPrivateNetwork"] });
  }
}

/**
 * Validates the kind's settings (the stored ones merged with the change) and splits them into
 * the shown config and the sealed secrets. A secret given as null is removed.
 */
export function buildChannelConfig(kind: ChannelKind, merged: Fields & Record<string, unknown>, allowLocal: boolean, team: { events: string[]; personal: boolean }): { config: Record<string, unknown>; secrets: ChannelSecrets; destination: string } {
  const need = (field: keyof Fields) => {
    const v = merged[field];
    if (v === undefined || v === null || v === "") throw invalid(`${field}: required for a ${kind} channel`, { fields: [field] });
    return v;
  };
  switch (kind) {
    case "webhook": {
      const url = checkUrl("url", need("url") as string, allowLocal);
      return { config: { url: url.href }, secrets: { secret: need("secret") as string }, destination: `${url.origin}${url.pathname}` };
    }
    case "slack":
    case "teams": {
      const url = checkUrl("url", need("url") as string, allowLocal);
      // The URL itself is the credential: only its origin is ever shown.
      return { config: { origin: url.origin }, secrets: { url: url.href }, destination: `${url.origin}/…` };
    }
    case "ntfy": {
      const url = checkUrl("url", need("url") as string, allowLocal);
      const segments = url.pathname.split("/").filter(Boolean);
      if (segments.length === 0 || !/^[A-Za-z0-9_-]{1,64}$/.test(segments.at(-1)!)) throw invalid("url: an ntfy topic URL, such as https://ntfy.example.internal/railyard", { fields: ["url"] });
      const secrets: ChannelSecrets = merged.token ? { token: merged.token as string } : {};
      return { config: { url: `${url.origin}${url.pathname}` }, secrets, destination: `${url.origin}${url.pathname}` };
    }
    case "email": {
      const host = need("host") as string;
      checkHost("host", host, allowLocal);
      const security = (merged.security as SmtpSecurity | undefined) ?? "starttls";
      const port = (merged.port as number | undefined) ?? DEFAULT_PORT[security];
      const username = (merged.username as string | null | undefined) || null;
      const password = (merged.password as string | null | undefined) || null;
      if (password && !username) throw invalid("username: a password needs a username", { fields: ["username"] });
      if (password && security === "none") throw invalid("security: a password is only sent over STARTTLS or TLS", { fields: ["security", "password"] });
      const to = (merged.to as string[] | undefined) ?? [];
      if (team.events.length > 0 && to.length === 0) throw invalid("to: a team email channel needs recipients (or no events, to carry personal email only)", { fields: ["to"] });
      if (team.events.length === 0 && !team.personal) throw invalid("events: choose events for the team recipients, or make it the personal email channel", { fields: ["events", "personal"] });
      return {
        config: { host, port, security, username, from: need("from") as string, to },
        secrets: password ? { password } : {},
        destination: `smtp://${host}:${port} (${security === "none" ? "no TLS" : security === "tls" ? "TLS" : "STARTTLS"})`,
      };
    }
  }
}

/** The stored settings as fields again (to merge a change into), secrets included. */
export function fieldsOf(kind: ChannelKind, config: Record<string, unknown>, secrets: ChannelSecrets): Fields & Record<string, unknown> {
  switch (kind) {
    case "webhook":
      return { url: config.url as string, secret: secrets.secret };
    case "slack":
    case "teams":
      return { url: secrets.url };
    case "ntfy":
      return { url: config.url as string, token: secrets.token ?? null };
    case "email":
      return { ...(config as object), password: secrets.password ?? null } as Fields & Record<string, unknown>;
  }
}

/** Whether a change touches where the channel connects to (its URL or SMTP host and port). */
export function changesDestination(kind: ChannelKind, input: Record<string, unknown>): boolean {
  return kind === "email" ? input.host !== undefined || input.port !== undefined : input.url !== undefined;
}

export const isSecretField = (field: string) => SECRET_FIELDS.includes(field as keyof Fields) || field === "url";

export { DEFAULT_PORT };
