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
  es.addEventListener("open", () => setConnected(true));
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
 * Calls `onChange` (coalesced over 150 ms) when an event matching `relevant` arrives, so a burst of
 * events from one agent call causes one refetch.
 */
export function useLive(relevant: (event: LiveEvent) => boolean, onChange: (event: LiveEvent) => void): void {
  const latest = useRef({ relevant, onChange });
  latest.current = { relevant, onChange };
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | null = null;
    let last: LiveEvent | null = null;
    const listener: Listener = (event) => {
      if (!latest.current.relevant(event)) return;
      last = event;
      if (timer) return;
      timer = setTimeout(() => {
        timer = null;
        if (last) latest.current.onChange(last);
      }, 150);
    };
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
      if (timer) clearTimeout(timer);
    };
  }, []);
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
