// An optional browser notification when a new checkpoint arrives that the signed-in person may
// decide. Opt-in per browser (the person asks for it, the browser asks for permission); shown by the
// browser's own Notification API from the live stream, so no push service or third party is involved.
import { useEffect, useState } from "preact/hooks";
import { api } from "./api.ts";
import { isCheckpointEvent, useLiveEvents } from "./live.ts";
import { ROLE_LIST } from "./permissions.ts";
import { navigate } from "./router.ts";
import type { Session } from "./session.tsx";

const STORAGE_KEY = "railyard.notify-checkpoints";

export const notificationsSupported = () => typeof window !== "undefined" && "Notification" in window;

/** Whether this browser shows notifications: the person opted in and the browser still allows it. */
export function notificationsOn(): boolean {
  return notificationsSupported() && Notification.permission === "granted" && localStorage.getItem(STORAGE_KEY) === "on";
}

/** Asks the browser for permission and remembers the choice; resolves to what the browser said. */
export async function enableNotifications(): Promise<NotificationPermission> {
  const permission = Notification.permission === "granted" ? "granted" : await Notification.requestPermission();
  if (permission === "granted") localStorage.setItem(STORAGE_KEY, "on");
  return permission;
}

export function disableNotifications(): void {
  localStorage.removeItem(STORAGE_KEY);
}

/** The opt-in switch's state, shared by the button (a change is seen by every mounted copy). */
export function useNotificationsOn(): [boolean, (on: boolean) => void] {
  const [on, setOn] = useState(notificationsOn);
  useEffect(() => {
    const onStorage = () => setOn(notificationsOn());
    window.addEventListener("storage", onStorage);
    return () => window.removeEventListener("storage", onStorage);
  }, []);
  return [on, setOn];
}

const rank = (role: string) => {
  const at = ROLE_LIST.indexOf(role as never);
  return at === -1 ? ROLE_LIST.length : at;
};

/**
 * In the shell: on `checkpoint.requested`, reads the run and notifies about its newest pending
 * checkpoint when the person may decide it (their role is high enough and the run is not theirs;
 * the server enforces this again when they decide). Clicking the notification opens the run.
 */
export function useCheckpointNotifications(session: Session): void {
  useLiveEvents((e) => e.type === "checkpoint.requested" && e.runId !== null && isCheckpointEvent(e), (e) => {
    if (!notificationsOn() || !session.can("checkpoints.decide")) return;
    void api.run(e.runId!).then((detail) => {
      if (detail.run.owner.id === session.me.user.id) return;
      const pending = detail.checkpoints.filter((c) => c.status === "pending" && rank(session.role) <= rank(c.requiredRole));
      const newest = pending.sort((a, b) => b.requestedAt - a.requestedAt)[0];
      if (!newest) return;
      const what = newest.kind === "phase_gate" ? `enter phase “${newest.targetPhase}”` : newest.reason.replaceAll("_", " ");
      const note = new Notification(`Approval needed: ${detail.run.title}`, { body: `The agent asks to ${what}.${newest.summary ? ` ${newest.summary}` : ""}`, tag: newest.id });
      note.onclick = () => {
        window.focus();
        navigate(`/runs/${detail.run.id}`);
        note.close();
      };
    }, () => {});
  });
}
