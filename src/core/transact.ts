import { appendEvent, toPublished, type EventInput, type StoredEvent } from "./audit/append-event.ts";
import type { Ctx } from "./context.ts";
import type { AppError } from "./errors.ts";
import { enqueueNotification } from "./notify/enqueue.ts";
import type { Tx } from "./store.ts";

/** Records an audit event in the current transaction. */
export type Record = (event: EventInput) => Promise<StoredEvent>;

/**
 * A refusal raised inside a write: the transaction keeps its audit events and nothing else.
 * Thrown by `refuse()`; `transact` rolls the verb's changes back, records the events, commits, and
 * then throws `error` to the caller.
 */
export class Refusal extends Error {
  constructor(readonly error: AppError, readonly events: readonly EventInput[], readonly keep: ((tx: Tx, record: Record) => Promise<void>) | null = null) {
    super(error.message);
    this.name = "Refusal";
  }
}

/** Refuses the current write: `events` are committed (and nothing else the write did), then `error` is thrown. */
export function refuse(error: AppError, ...events: EventInput[]): never {
  throw new Refusal(error, events);
}

/**
 * Like `refuse`, for a refusal that is itself a finding: after the rollback, `keep` runs in the
 * write that records `events` (records that must outlive the refusal with its events, e.g. a
 * gate-skip drift signal).
 */
export function refuseKeeping(error: AppError, keep: (tx: Tx, record: Record) => Promise<void>, ...events: EventInput[]): never {
  throw new Refusal(error, events, keep);
}

/**
 * Runs `fn` as one write transaction with an audit recorder. The events and the change commit
 * together (fail-closed), and the promise settles only after the commit is durable; committed
 * events are then published for live updates. A `refuse()` inside `fn` rolls the change back (the
 * store undoes a write that throws) and commits its events alone, in a write of their own.
 */
export async function transact<T>(ctx: Ctx, fn: (tx: Tx, record: Record) => Promise<T>): Promise<T> {
  let events: StoredEvent[] = [];
  const recorder = (tx: Tx): Record => async (input) => {
    const event = await appendEvent(tx, ctx, input);
    // The notification outbox row commits with its event (DESIGN §10), or neither does.
    await enqueueNotification(tx, event);
    events.push(event);
    return event;
  };
  try {
    const result = await ctx.store.write((tx) => fn(tx, recorder(tx)));
    publish(ctx, events);
    return result;
  } catch (error) {
    if (!(error instanceof Refusal)) throw error;
    events = [];
    // A refusal with nothing to keep needs no write of its own.
    if (error.keep || error.events.length > 0) {
      await ctx.store.write(async (tx) => {
        const record = recorder(tx);
        if (error.keep) await error.keep(tx, record);
        for (const input of error.events) await record(input);
      });
      publish(ctx, events);
    }
    throw error.error;
  }
}

/** Listeners (live updates, long polls, the head anchor) only ever see committed events. */
function publish(ctx: Ctx, events: readonly StoredEvent[]): void {
  events.forEach((event, i) => ctx.bus.publish(toPublished(event, i === events.length - 1)));
}
