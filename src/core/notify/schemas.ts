import { z } from "zod";
import { idPattern } from "../../lib/ids.ts";
import { ROLES, type Role } from "../roles.ts";
import type { ChannelKind, DeliveryStatus } from "./queries.ts";

/** What a notification can be about (DESIGN §10). Scope violations and drift are opt-in. */
export const NOTIFY_KINDS = ["checkpoint.requested", "checkpoint.decided", "checkpoint.expiring", "run.failed", "run.blocked", "scope.violation", "drift.detected", "budget.threshold", "runbook.proposal"] as const;
export type NotifyKind = (typeof NOTIFY_KINDS)[number];
/** What a new channel and a person without preferences receive. */
export const DEFAULT_KINDS: readonly NotifyKind[] = Object.freeze(["checkpoint.requested", "checkpoint.decided", "checkpoint.expiring", "run.failed", "run.blocked", "budget.threshold", "runbook.proposal"]);
export const CHANNEL_KINDS = ["webhook", "slack", "teams", "ntfy", "email"] as const satisfies readonly ChannelKind[];
export const SMTP_SECURITY = ["starttls", "tls", "none"] as const;
export type SmtpSecurity = (typeof SMTP_SECURITY)[number];

/** Most channels a workspace keeps (each is listed in Settings). */
export const MAX_CHANNELS = 50;

const Url = z.string().trim().min(1).max(2000);
const Email = z.email().max(254);
const Slug = z.string().max(64).regex(/^[a-z0-9][a-z0-9-]{0,63}$/, "a project slug");
const Kinds = z.array(z.enum(NOTIFY_KINDS)).max(NOTIFY_KINDS.length);
const Secret = z.string().min(1).max(1000);
const Host = z.string().trim().min(1).max(255).regex(/^[A-Za-z0-9.:\-[\]]+$/, "a host name or address");

const ChannelFields = {
  name: z.string().trim().min(1, "enter a name").max(100),
  enabled: z.boolean(),
  events: Kinds,
  projects: z.array(Slug).max(50),
  audienceRole: z.enum(ROLES),
  personal: z.boolean(),
  allowPrivateNetwork: z.boolean(),
  /** Webhook and ntfy: the destination. Slack and Teams: the incoming-webhook URL, a secret. */
  url: Url,
  /** Webhook: the HMAC signing secret (at least 16 characters). */
  secret: z.string().min(16, "at least 16 characters").max(500),
  /** ntfy: an access token. */
  token: Secret.nullable(),
  host: Host,
  port: z.int().min(1).max(65535),
  security: z.enum(SMTP_SECURITY),
  username: z.string().max(255).nullable(),
  password: Secret.nullable(),
  from: Email,
  to: z.array(Email).max(20),
};

export const CreateChannelInput = z.strictObject({
  kind: z.enum(CHANNEL_KINDS),
  ...Object.fromEntries(Object.entries(ChannelFields).map(([k, v]) => [k, k === "name" ? v : v.optional()])) as { [K in keyof typeof ChannelFields]: K extends "name" ? (typeof ChannelFields)[K] : z.ZodOptional<(typeof ChannelFields)[K]> },
});
export type CreateChannelInput = z.infer<typeof CreateChannelInput>;

export const PatchChannelInput = z.strictObject(
  Object.fromEntries(Object.entries(ChannelFields).map(([k, v]) => [k, v.optional()])) as { [K in keyof typeof ChannelFields]: z.ZodOptional<(typeof ChannelFields)[K]> },
);
export type PatchChannelInput = z.infer<typeof PatchChannelInput>;

export const ChannelId = z.string().max(32).regex(idPattern("chn"), "not a channel id");

export const ListDeliveriesInput = z.strictObject({
  id: ChannelId,
  status: z.enum(["pending", "delivered", "failed"]).optional(),
  cursor: z.string().max(200).regex(/^[0-9A-Za-z_-]+$/).optional(),
  limit: z.int().min(1).max(100).optional(),
});

export const PreferencesInput = z.strictObject({
  events: Kinds.optional(),
  email: z.boolean().optional(),
  /** A topic on the workspace's personal ntfy server (letters, digits, - and _). */
  ntfyTopic: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "letters, digits, - and _ (at most 64)").nullable().optional(),
});

/** What leaves the core about a channel: never a secret, only whether one is set. */
export interface ChannelView {
  id: string;
  name: string;
  kind: ChannelKind;
  enabled: boolean;
  events: string[];
  projects: string[];
  audienceRole: Role;
  personal: boolean;
  allowPrivateNetwork: boolean;
  /** Where it sends, as may be shown (a Slack or Teams URL is a secret: its origin only). */
  destination: string;
  /** Non-secret settings (webhook or ntfy URL; SMTP host, port, security, user, from, to). */
  config: Record<string, unknown>;
  secretSet: boolean;
  createdAt: number;
  updatedAt: number;
  deliveries: { pending: number; delivered: number; failed: number };
}

export interface DeliveryView {
  id: string;
  kind: string;
  status: DeliveryStatus;
  attempts: number;
  /** Personal deliveries: the person; team channel deliveries: null. */
  userId: string | null;
  lastError: string | null;
  createdAt: number;
  lastAttemptAt: number | null;
  nextAttemptAt: number | null;
  deliveredAt: number | null;
}

export interface PreferencesView {
  events: string[];
  email: boolean;
  ntfyTopic: string | null;
  /** Whether the workspace has a personal email / ntfy channel to carry them. */
  available: { email: boolean; ntfy: boolean };
  /** The address personal email goes to (the account's). */
  emailAddress: string;
}
