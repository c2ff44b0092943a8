import type { Tx } from "../db/store.ts";
import { appendEvent, toPublished, type EventInput, type StoredEvent } from "./audit/append-event.ts";
import type { Ctx } from "./context.ts";

/** Records an audit event in the current transaction. */
export type Record = (event: EventInput) => StoredEvent;

/**
 * Runs `fn` as one write transaction with an audit recorder. The events and the change commit
 * together (fail-closed); committed events are then published for live updates.
 */
export function transact<T>(ctx: Ctx, fn: (tx: Tx, record: Record) => T): T {
  const events: StoredEvent[] = [];
  const result = ctx.store.write((tx) =>
    fn(tx, (input) => {
      const event = appendEvent(tx, ctx, input);
      events.push(event);
      return event;
    }),
  );
  // Listeners (live updates, long polls, the head anchor) only ever see committed events.
  if (events.length > 0) ctx.store.afterCommit(() => {
    events.forEach((event, i) => ctx.bus.publish(toPublished(event, i === events.length - 1)));
  });
  return result;
}
