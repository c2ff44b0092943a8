// Committed events between nodes: each node NOTIFYs the events it committed (after COMMIT, so a
// listener never hears of something it cannot read yet) and LISTENs for the others'. Payloads
// carry the small published form (no metadata), batched per turn and kept under PostgreSQL's
// 8000-byte payload limit. Best effort: a lost notification only delays a wake-up (long polls
// also end at their deadline and re-read).
import type { SQL } from "bun";
import type { EventRelay, PublishedEvent } from "../../core/context.ts";

export const EVENTS_CHANNEL = "railyard_events";
const MAX_PAYLOAD = 7_500;

interface Message {
  /** The sending node (a node ignores its own messages). */
  n: string;
  e: PublishedEvent[];
}

export function createPgRelay(sql: SQL, nodeId: string): EventRelay & { close(): Promise<void> } {
  let pending: PublishedEvent[] = [];
  let scheduled = false;
  let closed = false;
  let subscription: { unlisten(): Promise<void> } | null = null;
  let starting: Promise<unknown> | null = null;

  const flush = () => {
    scheduled = false;
    const events = pending;
    pending = [];
    let batch: PublishedEvent[] = [];
    let size = 0;
    const sendBatch = () => {
      if (batch.length === 0 || closed) return;
      const payload = JSON.stringify({ n: nodeId, e: batch } satisfies Message);
      batch = [];
      size = 0;
      void sql.unsafe("SELECT pg_notify($1, $2)", [EVENTS_CHANNEL, payload]).catch(() => {});
    };
    for (const event of events) {
      const one = JSON.stringify(event).length + 1;
      if (size + one > MAX_PAYLOAD) sendBatch();
      batch.push(event);
      size += one;
    }
    sendBatch();
  };

  return {
    send(event) {
      if (closed) return;
      pending.push(event);
      if (!scheduled) {
        scheduled = true;
        queueMicrotask(flush);
      }
    },
    listen(deliver) {
      starting = sql.listen(EVENTS_CHANNEL, (payload) => {
        let message: Message;
        try {
          message = JSON.parse(payload) as Message;
        } catch {
          return;
        }
        if (message.n === nodeId || !Array.isArray(message.e)) return;
        for (const event of message.e) deliver(event);
      }).then((s) => {
        subscription = s;
        if (closed) void s.unlisten().catch(() => {});
      }, () => {});
    },
    async close() {
      closed = true;
      await starting;
      await subscription?.unlisten().catch(() => {});
    },
  };
}
