// Per-node bookkeeping of plugin-key use between the once-a-minute writes (authenticate-key.ts):
// requests counted since the key's last write, and the MCP client last seen on each key. A tool
// call never waits for a write of its own to be counted; the count reaches the database with the
// next lastUsedAt write (adding, so several nodes' counts add up). A crash loses at most the
// requests since that write.

/** At most this many keys are tracked; beyond it the oldest entries are dropped (their counts lost). */
export const MAX_TRACKED_KEYS = 10_000;

/** The longest client name and version kept (clientInfo is free text from the client). */
export const CLIENT_TEXT_MAX = 100;

/** The MCP client's clientInfo, made safe to store and show: plain printable text, capped, or null. */
export function clientText(value: unknown): string | null {
  if (typeof value !== "string") return null;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is removed
  const text = value.replace(/[\u0000-\u001f\u007f-\u009f]/g, "").trim().slice(0, CLIENT_TEXT_MAX);
  return text === "" ? null : text;
}

export class KeyUsage {
  private readonly calls = new Map<string, number>();
  private readonly clients = new Map<string, string>();

  /** One authenticated request with `keyId`. */
  count(keyId: string): void {
    this.calls.set(keyId, (this.calls.get(keyId) ?? 0) + 1);
    if (this.calls.size > MAX_TRACKED_KEYS) this.calls.delete(this.calls.keys().next().value!);
  }

  /** Requests counted here since the last `take`, not yet written. */
  pending(keyId: string): number {
    return this.calls.get(keyId) ?? 0;
  }

  /** The pending count, handed to a write (and reset here). */
  take(keyId: string): number {
    const n = this.calls.get(keyId) ?? 0;
    this.calls.delete(keyId);
    return n;
  }

  /** Whether this client differs from the one last seen on the key (and remembers it). */
  clientChanged(keyId: string, name: string, version: string | null): boolean {
    const seen = `${name}\u0000${version ?? ""}`;
    if (this.clients.get(keyId) === seen) return false;
    this.clients.set(keyId, seen);
    if (this.clients.size > MAX_TRACKED_KEYS) this.clients.delete(this.clients.keys().next().value!);
    return true;
  }

  forgetClient(keyId: string): void {
    this.clients.delete(keyId);
  }
}
