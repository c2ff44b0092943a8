// A new password typed twice (first-run setup, a reset link, the Account page): one state and one
// pair of fields instead of a copy per screen.
import { useState } from "preact/hooks";
import { Field } from "./ui.tsx";

export interface NewPassword {
  readonly value: string;
  readonly repeat: string;
  readonly mismatch: boolean;
  set(value: string): void;
  setRepeat(value: string): void;
  /** Whether both entries match; when they do not, the repeat field says so. */
  confirmed(): boolean;
  clear(): void;
}

export function useNewPassword(): NewPassword {
  const [value, set] = useState("");
  const [repeat, setRepeat] = useState("");
  const [mismatch, setMismatch] = useState(false);
  return {
    value, repeat, mismatch, set, setRepeat,
    confirmed() {
      setMismatch(value !== repeat);
      return value === repeat;
    },
    clear() {
      set("");
      setRepeat("");
    },
  };
}

export function NewPasswordFields({ password, label, repeatLabel, hint }: { password: NewPassword; label: string; repeatLabel: string; hint: string }) {
  return (
    <>
      <Field label={label} hint={hint}>
        {(p) => <input {...p} type="password" autocomplete="new-password" required minLength={12} maxLength={1024} value={password.value} onInput={(e) => password.set(e.currentTarget.value)} />}
      </Field>
      <Field label={repeatLabel} error={password.mismatch ? "The passwords differ." : null}>
        {(p) => <input {...p} type="password" autocomplete="new-password" required value={password.repeat} onInput={(e) => password.setRepeat(e.currentTarget.value)} />}
      </Field>
    </>
  );
}
