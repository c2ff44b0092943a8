// Sends one delivery to its destination: bounded in time, no redirects, no secret in any outcome.
import { isIP } from "node:net";
import nodemailer from "nodemailer";
import type { ChannelSecrets, EmailConfig } from "../core/notify/channel-config.ts";
import type { NotifyMessage } from "../core/notify/message.ts";
import type { ChannelRow, DeliveryRow } from "../core/notify/queries.ts";
import { DestinationRefused, resolveDestination } from "./destination.ts";
import { emailContent, ntfyRequest, slackRequest, teamsRequest, webhookRequest, type Envelope, type HttpMessage } from "./formats.ts";

export type SendOutcome = { ok: true } | { ok: false; error: string; retry: boolean };

export interface SendOptions {
  timeoutMs: number;
  now: number;
  /** Aborted at shutdown: the attempt ends and its lease lets it be retried later. */
  signal: AbortSignal;
}

/** What an outcome may say: one line, short, and with none of the channel's secrets in it. */
function scrub(text: string, secrets: ChannelSecrets): string {
  let out = text.replace(/[\u0000-\u001f\u007f]+/g, " ").trim();
  for (const value of Object.values(secrets)) if (typeof value === "string" && value.length >= 4) out = out.split(value).join("[secret]");
  return out.slice(0, 200);
}

const errorCode = (error: unknown): string => {
  const e = error as { code?: unknown; name?: unknown };
  return typeof e?.code === "string" ? e.code : typeof e?.name === "string" ? e.name : "error";
};

export async function sendDelivery(channel: ChannelRow, secrets: ChannelSecrets, delivery: DeliveryRow, options: SendOptions): Promise<SendOutcome> {
  const envelope: Envelope = { deliveryId: delivery.id, message: delivery.message as NotifyMessage };
  try {
    if (channel.kind === "email") return await sendEmail(channel, secrets, delivery, envelope, options);
    return await sendHttp(httpMessage(channel, secrets, delivery, envelope, options.now), channel.allowPrivateNetwork, options);
  } catch (error) {
    if (error instanceof DestinationRefused) return { ok: false, error: error.message, retry: false };
    return { ok: false, error: `connection failed (${scrub(errorCode(error), secrets)})`, retry: true };
  }
}

function httpMessage(channel: ChannelRow, secrets: ChannelSecrets, delivery: DeliveryRow, envelope: Envelope, now: number): HttpMessage {
  switch (channel.kind) {
    case "webhook":
      return webhookRequest(channel.config.url as string, secrets.secret ?? "", envelope, now);
    case "slack":
      return slackRequest(secrets.url!, envelope);
    case "teams":
      return teamsRequest(secrets.url!, envelope);
    case "ntfy":
      return ntfyRequest(channel.config.url as string, delivery.address, secrets.token, envelope);
    default:
      throw new Error(`not an HTTP channel: ${channel.kind}`);
  }
}

async function sendHttp(request: HttpMessage, allowPrivateNetwork: boolean, options: SendOptions): Promise<SendOutcome> {
  await resolveDestination(new URL(request.url).hostname, allowPrivateNetwork);
  const timeout = AbortSignal.timeout(options.timeoutMs);
  let response: Response;
  try {
    // A redirect is an answer, not an instruction: following it could lead anywhere (SSRF).
    response = await fetch(request.url, { method: "POST", headers: request.headers, body: request.body, redirect: "manual", signal: AbortSignal.any([timeout, options.signal]) });
  } catch (error) {
    if (timeout.aborted) return { ok: false, error: `timed out after ${Math.round(options.timeoutMs / 1000)} s`, retry: true };
    throw error;
  }
  // Only the status is kept: a receiver's body could echo anything.
  await response.body?.cancel().catch(() => {});
  if (response.status >= 200 && response.status < 300) return { ok: true };
  if (response.status >= 300 && response.status < 400) return { ok: false, error: `HTTP ${response.status} (redirects are not followed)`, retry: false };
  const retry = response.status >= 500 || response.status === 408 || response.status === 429;
  return { ok: false, error: `HTTP ${response.status}`, retry };
}

async function sendEmail(channel: ChannelRow, secrets: ChannelSecrets, delivery: DeliveryRow, envelope: Envelope, options: SendOptions): Promise<SendOutcome> {
  const config = channel.config as unknown as EmailConfig;
  const to = delivery.address ? [delivery.address] : config.to;
  if (to.length === 0) return { ok: false, error: "no recipient (a personal-only email channel)", retry: false };
  // Connect to the address that was checked, naming the host for TLS (no second lookup to rebind).
  const address = await resolveDestination(config.host, channel.allowPrivateNetwork);
  const transport = nodemailer.createTransport({
    host: address,
    port: config.port,
    secure: config.security === "tls",
    requireTLS: config.security === "starttls",
    ignoreTLS: config.security === "none",
    auth: config.username ? { user: config.username, pass: secrets.password ?? "" } : undefined,
    // SNI names a host, never an address (Bun refuses an IP servername; the certificate is then checked against the address).
    tls: { servername: isIP(config.host.replace(/^\[|\]$/g, "")) ? undefined : config.host },
    name: "railyard",
    connectionTimeout: options.timeoutMs,
    greetingTimeout: options.timeoutMs,
    socketTimeout: options.timeoutMs,
  });
  const stop = () => transport.close();
  options.signal.addEventListener("abort", stop, { once: true });
  const content = emailContent(envelope);
  try {
    await transport.sendMail({
      from: config.from,
      to,
      subject: content.subject,
      text: content.text,
      messageId: `<${delivery.id}@railyard>`,
      headers: { "X-Railyard-Event": envelope.message.kind, "X-Railyard-Delivery": delivery.id },
    });
    return { ok: true };
  } catch (error) {
    const e = error as { responseCode?: number; response?: string };
    if (typeof e.responseCode === "number") {
      // 5xx replies are permanent (a refused recipient, failed authentication); 4xx are worth a retry.
      return { ok: false, error: scrub(`SMTP ${e.response ?? e.responseCode}`, secrets), retry: e.responseCode < 500 };
    }
    return { ok: false, error: `SMTP connection failed (${scrub(errorCode(error), secrets)})`, retry: true };
  } finally {
    options.signal.removeEventListener("abort", stop);
    transport.close();
  }
}
