// The app's small component library: buttons, cards, pills, fields, banners and states.
import type { ButtonHTMLAttributes, ComponentChildren } from "preact";
import { useEffect, useId, useRef, useState } from "preact/hooks";
import { humanize } from "../format.ts";
import { setPageTitle } from "../title.ts";

type ButtonProps = Omit<ButtonHTMLAttributes<HTMLButtonElement>, "size" | "type"> & {
  variant?: "primary" | "danger" | "success" | "link" | "default";
  size?: "small";
  type?: "button" | "submit";
  disabled?: boolean;
};

export function Button({ variant = "default", size, type = "button", class: cls, ...rest }: ButtonProps) {
  const classes = ["btn", variant !== "default" && variant, size, cls].filter(Boolean).join(" ");
  return <button type={type} class={classes} {...rest} />;
}

export function Card({ title, actions, children, flush, class: cls, id }: { title?: ComponentChildren; actions?: ComponentChildren; children: ComponentChildren; flush?: boolean; class?: string; id?: string }) {
  const headingId = useId();
  return (
    <section class={`card ${cls ?? ""}`} aria-labelledby={title ? headingId : undefined} id={id}>
      {title || actions ? (
        <div class="card-header">
          {title ? <h2 id={headingId}>{title}</h2> : <span />}
          {actions ? <div class="row">{actions}</div> : null}
        </div>
      ) : null}
      <div class={`card-body ${flush ? "flush" : ""}`}>{children}</div>
    </section>
  );
}

export function PageHeader({ title, description, actions }: { title: string; description?: ComponentChildren; actions?: ComponentChildren }) {
  useEffect(() => setPageTitle(title), [title]);
  return (
    <div class="page-header">
      <div>
        <h1>{title}</h1>
        {description ? <p>{description}</p> : null}
      </div>
      {actions ? <div class="page-actions">{actions}</div> : null}
    </div>
  );
}

type Tone = "green" | "amber" | "red" | "blue" | "accent" | "gray";
export function Pill({ tone = "gray", children, plain }: { tone?: Tone; children: ComponentChildren; plain?: boolean }) {
  return <span class={`pill ${tone} ${plain ? "plain" : ""}`}>{children}</span>;
}

const STATUS_TONES: Record<string, Tone> = {
  active: "blue",
  in_progress: "blue",
  awaiting_approval: "amber",
  pending: "amber",
  planned: "gray",
  blocked: "red",
  failed: "red",
  rejected: "red",
  expired: "gray",
  cancelled: "gray",
  skipped: "gray",
  completed: "green",
  done: "green",
  approved: "green",
  editable: "green",
  read_only: "amber",
  excluded: "red",
};

/** A status string as a coloured pill (run, work unit, checkpoint or access level). */
export function StatusPill({ status }: { status: string }) {
  return <Pill tone={STATUS_TONES[status] ?? "gray"}>{humanize(status)}</Pill>;
}

export function RolePill({ role }: { role: string }) {
  return <Pill tone={role === "owner" || role === "admin" ? "accent" : role === "auditor" ? "blue" : "gray"} plain>{role}</Pill>;
}

type FieldProps = {
  label: string;
  hint?: ComponentChildren;
  error?: string | null;
  children: (props: { id: string; "aria-describedby"?: string; "aria-invalid"?: boolean }) => ComponentChildren;
};

/** A labelled control: the label is tied to the input, hints and errors are announced with it. */
export function Field({ label, hint, error, children }: FieldProps) {
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy = [hint ? hintId : null, error ? errorId : null].filter(Boolean).join(" ") || undefined;
  return (
    <div class="field">
      <label for={id}>{label}</label>
      {children({ id, "aria-describedby": describedBy, "aria-invalid": error ? true : undefined })}
      {hint ? <span class="hint" id={hintId}>{hint}</span> : null}
      {error ? <span class="error-text" id={errorId}>{error}</span> : null}
    </div>
  );
}

export function Banner({ tone = "info", children, role }: { tone?: "info" | "warn" | "error" | "success"; children: ComponentChildren; role?: "alert" | "status" }) {
  return <div class={`banner ${tone}`} role={role ?? (tone === "error" ? "alert" : undefined)}>{children}</div>;
}

export function Loading({ label = "Loading…" }: { label?: string }) {
  return (
    <div class="loading" role="status">
      <span class="spinner" aria-hidden="true" />
      {label}
    </div>
  );
}

export function Empty({ title, children }: { title: string; children?: ComponentChildren }) {
  return (
    <div class="empty">
      <strong>{title}</strong>
      {children}
    </div>
  );
}

export function ErrorState({ error, retry }: { error: Error; retry?: () => void }) {
  return (
    <div class="card-body">
      <Banner tone="error">
        <div class="spread">
          <span>{error.message}</span>
          {retry ? <Button size="small" onClick={retry}>Try again</Button> : null}
        </div>
      </Banner>
    </div>
  );
}

export function Stat({ label, value, hint }: { label: string; value: ComponentChildren; hint?: ComponentChildren }) {
  return (
    <div class="card stat">
      <div class="label">{label}</div>
      <div class="value">{value}</div>
      {hint ? <div class="hint">{hint}</div> : null}
    </div>
  );
}

const FOCUSABLE = "a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex='-1'])";

/** The keyboard-reachable elements inside `root`, in tab order (hidden ones left out). */
function focusables(root: HTMLElement): HTMLElement[] {
  return [...root.querySelectorAll<HTMLElement>(FOCUSABLE)].filter((el) => el.getClientRects().length > 0);
}

/** Whether `el` is the dialog opened last (a confirmation opened from a dialog sits on top of it). */
const isTopmost = (el: HTMLElement | null) => {
  const open = document.querySelectorAll("[role=dialog][aria-modal=true]");
  return el !== null && open[open.length - 1] === el;
};

/**
 * Modal dialog: focus moves in on open, Tab and Shift+Tab cycle inside it (focus cannot reach the
 * page behind), Escape closes, and focus returns to what had it before.
 */
export function Dialog({ title, onClose, children, footer, variant }: { title: string; onClose: () => void; children: ComponentChildren; footer?: ComponentChildren; variant?: "drawer" }) {
  const ref = useRef<HTMLDivElement>(null);
  const headingId = useId();
  // The listeners are installed once; they call the latest onClose, not the first render's.
  const close = useRef(onClose);
  close.current = onClose;
  useEffect(() => {
    const previous = document.activeElement as HTMLElement | null;
    const first = ref.current?.querySelector<HTMLElement>("input, textarea, select, button:not(.dialog-close)");
    (first ?? ref.current)?.focus();
    const onKey = (e: KeyboardEvent) => {
      const dialog = ref.current;
      if (!dialog || !isTopmost(dialog)) return;
      if (e.key === "Escape") {
        e.preventDefault();
        close.current();
        return;
      }
      if (e.key !== "Tab") return;
      const items = focusables(dialog);
      if (items.length === 0) {
        e.preventDefault();
        dialog.focus();
        return;
      }
      const at = items.indexOf(document.activeElement as HTMLElement);
      if (e.shiftKey && at <= 0) {
        e.preventDefault();
        items[items.length - 1]!.focus();
      } else if (!e.shiftKey && (at === -1 || at === items.length - 1)) {
        e.preventDefault();
        items[0]!.focus();
      }
    };
    // Focus that lands behind the dialog anyway (a click on the backdrop, a script) is brought back.
    const onFocusIn = (e: FocusEvent) => {
      const dialog = ref.current;
      if (dialog && isTopmost(dialog) && !dialog.contains(e.target as Node)) (focusables(dialog)[0] ?? dialog).focus();
    };
    document.addEventListener("keydown", onKey);
    document.addEventListener("focusin", onFocusIn);
    return () => {
      document.removeEventListener("keydown", onKey);
      document.removeEventListener("focusin", onFocusIn);
      if (previous?.isConnected) previous.focus();
    };
  }, []);
  return (
    <div class={`backdrop ${variant ?? ""}`} onClick={(e) => e.target === e.currentTarget && onClose()}>
      <div class={`dialog ${variant ?? ""}`} role="dialog" aria-modal="true" aria-labelledby={headingId} ref={ref} tabIndex={-1}>
        <div class="dialog-header">
          <h2 id={headingId}>{title}</h2>
          <Button variant="link" class="dialog-close" onClick={onClose} aria-label="Close">✕</Button>
        </div>
        <div class="dialog-body">{children}</div>
        {footer ? <div class="dialog-footer">{footer}</div> : null}
      </div>
    </div>
  );
}

/** Copies `text` to the clipboard and says so (to sighted and screen-reader users). */
export function CopyButton({ text, label = "Copy" }: { text: string; label?: string }) {
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
    } catch {
      // Without clipboard permission, select-and-copy by hand still works.
      return;
    }
    setCopied(true);
    setTimeout(() => setCopied(false), 1800);
  };
  return (
    <Button size="small" onClick={copy} aria-label={`${label} to clipboard`}>
      <span aria-live="polite">{copied ? "Copied" : label}</span>
    </Button>
  );
}

export function Tabs<T extends string>({ tabs, value, onChange, label }: { tabs: readonly { id: T; label: string }[]; value: T; onChange: (id: T) => void; label: string }) {
  return (
    <div class="tabs" role="tablist" aria-label={label}>
      {tabs.map((t) => (
        <button key={t.id} role="tab" type="button" aria-selected={t.id === value} onClick={() => onChange(t.id)}>
          {t.label}
        </button>
      ))}
    </div>
  );
}

/** A repository path; masked paths arrive from the API as `‹module›` and are shown as such. */
export function PathText({ path }: { path: string }) {
  return path.startsWith("‹") ? <span class="masked mono" title="Masked for your role">{path}</span> : <code>{path}</code>;
}

export function Globs({ globs }: { globs: readonly string[] }) {
  if (globs.length === 0) return <span class="muted">none</span>;
  return (
    <span class="glob-list">
      {globs.map((g) => (
        <span class="glob" key={g}>{g}</span>
      ))}
    </span>
  );
}

/** What a screen shows a role that may not use it: a plain sentence, no actions and no "Try again". */
export function NotForRole({ title, who }: { title: string; who: string }) {
  return (
    <>
      <PageHeader title={title} />
      <div class="card">
        <Empty title="Not available to your role">
          <p>{who}</p>
        </Empty>
      </div>
    </>
  );
}
