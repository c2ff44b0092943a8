// Run by delivery.test.ts in a child process started with NODE_EXTRA_CA_CERTS (the runtime reads it
// only at startup): sends one sample message through the product's email sender to the SMTP server
// named in argv[2] (JSON) and prints the outcome as JSON.
import { renderMessage } from "../../src/core/notify/message.ts";
import type { ChannelRow, DeliveryRow } from "../../src/core/notify/queries.ts";
import { sendDelivery } from "../../src/notify/send.ts";

const { host, port, security, username, password } = JSON.parse(process.argv[2]!) as { host: string; port: number; security: string; username: string; password: string };
const now = Date.now();
const channel: ChannelRow = {
  id: "chn_tlschild0000000000", name: "TLS mail", kind: "email", enabled: true, events: [], projectIds: [], audienceRole: "developer", personal: false,
  allowPrivateNetwork: true, config: { host, port, security, username, from: "railyard@example.test", to: ["ops@example.test"] }, secretSealed: null,
  createdAt: now, updatedAt: now, updatedBy: null,
};
const message = renderMessage({ kind: "channel.test", meta: {}, occurredAt: now, project: null, run: null, checkpoint: null, askedBy: null, baseUrl: "http://127.0.0.1:7433", audience: "developer" });
const delivery: DeliveryRow = {
  id: "dlv_tlschild0000000000", outboxId: "nob_tlschild0000000000", channelId: channel.id, userId: null, address: null, dedupe: "x", kind: "channel.test", message,
  status: "pending", attempts: 1, nextAttemptAt: now, leaseUntil: 0, lastError: null, lastAttemptAt: null, deliveredAt: null, createdAt: now,
};
const outcome = await sendDelivery(channel, { password }, delivery, { timeoutMs: 5000, now, signal: new AbortController().signal });
process.stdout.write(JSON.stringify(outcome));
