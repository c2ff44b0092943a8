// Confirmation before a destructive or far-reaching change: a real dialog that says what will
// happen, with Cancel focused first (Enter on a stray keypress does nothing harmful).
import type { ComponentChildren } from "preact";
import { useState } from "preact/hooks";
import { Button, Dialog } from "./ui.tsx";

export interface ConfirmOptions {
  title: string;
  body: ComponentChildren;
  /** The confirming button's label: the action in words ("Delete project"), never "OK". */
  confirm: string;
  tone?: "danger" | "primary";
}

/** `ask(options)` opens the dialog and resolves true when the person confirms; render `element` once. */
export function useConfirm(): { ask: (options: ConfirmOptions) => Promise<boolean>; element: ComponentChildren } {
  const [pending, setPending] = useState<(ConfirmOptions & { resolve: (ok: boolean) => void }) | null>(null);
  const ask = (options: ConfirmOptions) => new Promise<boolean>((resolve) => setPending({ ...options, resolve }));
  const answer = (ok: boolean) => {
    pending?.resolve(ok);
    setPending(null);
  };
  const element = pending ? (
    <Dialog
      title={pending.title}
      onClose={() => answer(false)}
      footer={<><Button onClick={() => answer(false)}>Cancel</Button><Button variant={pending.tone ?? "danger"} onClick={() => answer(true)}>{pending.confirm}</Button></>}
    >
      <div class="confirm-body">{pending.body}</div>
    </Dialog>
  ) : null;
  return { ask, element };
}
