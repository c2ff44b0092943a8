// One server-sent-events stream per signed-in tab; views subscribe and refetch what an event touches.
import { useEffect, useRef, useState } from "preact/hooks";

/** What the server sends for each committed change the viewer may see (no content, ids only). */
export interface LiveEvent {
  seq: number;
  at: number;
  type: string;
  runId: string | null;
  projectId: string | null;
}

type Listener = (event: LiveEvent) => void;
const listeners = new Set<Listener>();
/** Called each time the stream opens (first and after a reconnect): changes made before it opened,
 * or while it was down, never arrive as events, so views that show server data refetch then. */
const openListeners = new Set<() => void>();
const statusListeners = new Set<(connected: boolean) => void>();
let source: EventSource | null = null;
let connected = false;

function setConnected(value: boolean): void {
  connected = value;
  for (const listener of statusListeners) listener(value);
}

let onEnded: () => void = () => {};

/**
 * Opens the stream (idempotent). EventSource reconnects by itself after a network drop; when the
 * server ends the stream (session revoked, expired or idle) or refuses the reconnect, `ended` runs
 * so the app can re-check the session and show the sign-in page.
 */
export function startLive(ended: () => void = () => {}): void {
  onEnded = ended;
  if (source || typeof EventSource === "undefined") return;
  const es = new EventSource("/api/events");
  source = es;
  es.addEventListener("open", () => {
    setConnected(true);
    for (const listener of openListeners) listener();
  });
  es.addEventListener("error", () => {
    setConnected(false);
    if (es.readyState === EventSource.CLOSED) {
      stopLive();
      onEnded();
    }
  });
  es.addEventListener("end", () => {
    stopLive();
    onEnded();
  });
  es.addEventListener("change", (message) => {
    try {
      const event = JSON.parse((message as MessageEvent<string>).data) as LiveEvent;
      for (const listener of listeners) listener(event);
    } catch {
      // A malformed frame is ignored; the next one still arrives.
    }
  });
}

export function stopLive(): void {
  source?.close();
  source = null;
  setConnected(false);
}

/**
 * Calls `onEvent` (coalesced over 150 ms, with the last matching event) when an event matching
 * `relevant` arrives, so a burst of events from one agent call causes one call. With `reload`, it is
 * also called (coalesced the same way) each time the stream opens.
 */
function useLiveListener(relevant: (event: LiveEvent) => boolean, onEvent: (event: LiveEvent | null) => void, reload: boolean): void {
  const latest = useRef({ relevant, onEvent });
  latest.current = { relevant, onEvent };
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | null = null;
    let last: LiveEvent | null = null;
    const schedule = () => {
      if (timer) return;
      timer = setTimeout(() => {
        timer = null;
        const event = last;
        last = null;
        latest.current.onEvent(event);
      }, 150);
    };
    const listener: Listener = (event) => {
      if (!latest.current.relevant(event)) return;
      last = event;
      schedule();
    };
    const onOpen = () => schedule();
    listeners.add(listener);
    if (reload) openListeners.add(onOpen);
    return () => {
      listeners.delete(listener);
      openListeners.delete(onOpen);
      if (timer) clearTimeout(timer);
    };
  }, []);
}

/**
 * Reloads a view's data when a change matching `relevant` arrives, and whenever the stream opens or
 * reopens (a change made while it was not connected sends no event).
 */
export function useLive(relevant: (event: LiveEvent) => boolean, reload: () => void): void {
  useLiveListener(relevant, () => reload(), true);
}

/** Acts on the matching events themselves (an announcement, a notification); nothing on reconnect. */
export function useLiveEvents(relevant: (event: LiveEvent) => boolean, onEvent: (event: LiveEvent) => void): void {
  useLiveListener(relevant, (event) => {
    if (event) onEvent(event);
  }, false);
}

export function useLiveConnected(): boolean {
  const [value, setValue] = useState(connected);
  useEffect(() => {
    statusListeners.add(setValue);
    return () => void statusListeners.delete(setValue);
  }, []);
  return value;
}

/** Event families the web app reacts to, by prefix of the audit event type. */
export const RUN_EVENTS = ["run.", "work_unit.", "checkpoint.", "build.", "usage.", "change.", "files.", "scope.", "drift."];
export const isRunEvent = (e: LiveEvent) => RUN_EVENTS.some((p) => e.type.startsWith(p));
export const isCheckpointEvent = (e: LiveEvent) => e.type.startsWith("checkpoint.");
