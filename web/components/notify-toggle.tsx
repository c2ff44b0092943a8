// The opt-in for browser notifications of new checkpoints (notify.ts), on the Approvals page.
import { useState } from "preact/hooks";
import { disableNotifications, enableNotifications, notificationsSupported, useNotificationsOn } from "../notify.ts";
import { Button } from "./ui.tsx";

export function NotifyToggle() {
  const [on, setOn] = useNotificationsOn();
  const [refused, setRefused] = useState(false);
  if (!notificationsSupported()) return null;
  if (on) return <Button onClick={() => { disableNotifications(); setOn(false); }} aria-pressed="true">Browser notifications on</Button>;
  return (
    <span class="row">
      <Button aria-pressed="false" onClick={async () => {
        const permission = await enableNotifications();
        setRefused(permission !== "granted");
        setOn(permission === "granted");
      }}>Notify me of new approvals</Button>
      {refused ? <span class="small muted" role="status">The browser blocks notifications for this site; allow them in its site settings.</span> : null}
    </span>
  );
}
