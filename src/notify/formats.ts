// The wire formats of each channel kind, built from a stored (already masked) message.
import { hmacHex } from "../lib/hash.ts";
import { iso } from "../lib/time.ts";
import type { NotifyMessage } from "../core/notify/message.ts";

export interface HttpMessage {
  url: string;
  headers: Record<string, string>;
  body: string;
}

export interface Envelope {
  deliveryId: string;
  message: NotifyMessage;
}

/** Signature of a generic webhook body: hex HMAC-SHA256 of "<timestamp>.<body>" with the channel secret. */
export function signWebhook(secret: string, timestamp: string, body: string): string {
  return `sha256=${hmacHex(secret, `${timestamp}.${body}`)}`;
}

const common = (e: Envelope): Record<string, string> => ({
  "content-type": "application/json",
  "user-agent": "Railyard-Notifications",
  "x-railyard-event": e.message.kind,
  "x-railyard-delivery": e.deliveryId,
});

/** The generic webhook: a JSON body that stays byte-identical on every retry, signed per attempt. */
export function webhookRequest(url: string, secret: string, e: Envelope, nowMs: number): HttpMessage {
  const m = e.message;
  const body = JSON.stringify({
    event: m.kind,
    delivery_id: e.deliveryId,
    occurred_at: iso(m.occurredAt),
    project: m.project,
    run: m.run,
    checkpoint: m.checkpoint ? {
      id: m.checkpoint.id, kind: m.checkpoint.kind, target_phase: m.checkpoint.targetPhase, required_role: m.checkpoint.requiredRole,
      status: m.checkpoint.status, expires_at: m.checkpoint.expiresAt === null ? null : iso(m.checkpoint.expiresAt),
    } : null,
    asked_by: m.askedBy,
    headline: m.headline,
    text: m.text,
    url: m.url,
  });
  const timestamp = String(Math.floor(nowMs / 1000));
  return { url, body, headers: { ...common(e), "x-railyard-timestamp": timestamp, "x-railyard-signature": signWebhook(secret, timestamp, body) } };
}

const slackEscape = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** Slack-compatible incoming webhooks (Slack, Mattermost, Rocket.Chat): `text` for all, blocks for Slack. */
export function slackRequest(url: string, e: Envelope): HttpMessage {
  const m = e.message;
  const text = `*${slackEscape(m.headline)}*\n${slackEscape(m.text)}\n<${m.url}|Open in Railyard>`;
  const body = JSON.stringify({
    text,
    blocks: [
      { type: "section", text: { type: "mrkdwn", text: `*${slackEscape(m.headline)}*\n${slackEscape(m.text)}` } },
      { type: "actions", elements: [{ type: "button", text: { type: "plain_text", text: "Open in Railyard" }, url: m.url }] },
      { type: "context", elements: [{ type: "mrkdwn", text: slackEscape(`delivery ${e.deliveryId}`) }] },
    ],
  });
  return { url, body, headers: common(e) };
}

/** Microsoft Teams workflow webhooks: one Adaptive Card with a link, never an action that decides. */
export function teamsRequest(url: string, e: Envelope): HttpMessage {
  const m = e.message;
  const facts = [
    ...(m.project ? [{ title: "Project", value: m.project.name }] : []),
    ...(m.run ? [{ title: "Run", value: m.run.title }] : []),
    ...(m.askedBy ? [{ title: "Asked by", value: m.askedBy }] : []),
    { title: "When", value: iso(m.occurredAt) },
  ];
  const body = JSON.stringify({
    type: "message",
    attachments: [{
      contentType: "application/vnd.microsoft.card.adaptive",
      contentUrl: null,
      content: {
        $schema: "http://adaptivecards.io/schemas/adaptive-card.json",
        type: "AdaptiveCard",
        version: "1.4",
        body: [
          { type: "TextBlock", text: m.headline, weight: "Bolder", size: "Medium", wrap: true },
          { type: "TextBlock", text: m.text, wrap: true },
          { type: "FactSet", facts },
        ],
        actions: [{ type: "Action.OpenUrl", title: "Open in Railyard", url: m.url }],
      },
    }],
  });
  return { url, body, headers: common(e) };
}

/** ntfy: JSON publishing to the server's root with the topic in the body (UTF-8 safe, unlike headers). */
export function ntfyRequest(topicUrl: string, topic: string | null, token: string | undefined, e: Envelope): HttpMessage {
  const m = e.message;
  const url = new URL(topicUrl);
  const segments = url.pathname.split("/").filter(Boolean);
  const ownTopic = segments.pop()!;
  const root = `${url.origin}/${segments.length ? `${segments.join("/")}/` : ""}`;
  const urgent = m.kind === "checkpoint.requested" || m.kind === "checkpoint.expiring";
  const body = JSON.stringify({
    topic: topic ?? ownTopic,
    title: m.headline,
    message: m.text,
    click: m.url,
    tags: ["railyard"],
    priority: urgent ? 4 : 3,
    actions: [{ action: "view", label: "Open in Railyard", url: m.url }],
  });
  return { url: root, body, headers: { ...common(e), ...(token ? { authorization: `Bearer ${token}` } : {}) } };
}

/** The email a message becomes (plain text; the link is the only way to act, after signing in). */
export function emailContent(e: Envelope): { subject: string; text: string } {
  const m = e.message;
  return {
    subject: `[Railyard] ${m.headline}`.slice(0, 200),
    text: `${m.headline}\n\n${m.text}\n\nOpen in Railyard: ${m.url}\n\nNothing in this email approves anything: deciding needs a signed-in person with the right role.\n-- \nDelivery ${e.deliveryId}\n`,
  };
}
