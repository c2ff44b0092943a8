import { hmacHex } from "../../lib/hash.ts";
import { redact } from "../../scanner/index.ts";
import type { Ctx, ScanFinding } from "../context.ts";
import { AppError } from "../errors.ts";
import { getSettings } from "../setting/get-settings.ts";
import { transact } from "../transact.ts";

export interface ScreenField {
  readonly field: string;
  readonly value: string;
  /** The field's length cap: under `redact`, `[REDACTED:kind]` can be longer than what it replaces, and the stored value must still fit. */
  readonly max?: number;
}

function fitted(value: string, max: number | undefined): string {
  return max !== undefined && value.length > max ? value.slice(0, max) : value;
}

export interface ScreenRefs {
  readonly runId?: string | null;
  readonly projectId?: string | null;
}

/** A keyed fingerprint of a match: lets people correlate repeats without the text ever being stored. */
function fingerprint(ctx: Ctx, text: string): string {
  return hmacHex(ctx.auditKey, text).slice(0, 16);
}

/** What a field's findings are, for the refusal message (never the value). */
function what(findings: readonly ScanFinding[]): string {
  if (findings.some((x) => x.category === "secret")) return "secret";
  if (findings.some((x) => x.category === "code")) return "source code, a diff or a prompt (metadata only: describe the change instead)";
  return "personal data";
}

/**
 * Passes every agent- or person-supplied string through the scanner before anything is stored.
 * Returns the values in order (redacted under the `redact` policy). Under `reject` (the default)
 * it throws `scanner_blocked` naming the field and the kinds, never the value. Either way the
 * audit event carries kinds and keyed fingerprints only. Call it before the verb's transaction:
 * the refusal event must commit even though the change does not happen.
 */
export async function screenInput(ctx: Ctx, fields: readonly ScreenField[], refs: ScreenRefs = {}): Promise<string[]> {
  const hits: { field: string; value: string; findings: readonly ScanFinding[] }[] = [];
  for (const f of fields) {
    if (f.value.length === 0) continue;
    const findings = ctx.scan(f.value);
    if (findings.length > 0) hits.push({ field: f.field, value: f.value, findings });
  }
  if (hits.length === 0) return fields.map((f) => f.value);

  const kinds = [...new Set(hits.flatMap((h) => h.findings.map((x) => x.kind)))].sort();
  const fieldNames = hits.map((h) => h.field);
  const fingerprints = hits.flatMap((h) => h.findings.map((x) => fingerprint(ctx, h.value.slice(x.start, x.end)))).slice(0, 50);
  const meta = { fields: fieldNames.slice(0, 50), kinds: kinds.slice(0, 50), fingerprints };
  const policy = (await getSettings(ctx.store.read)).scannerPolicy;
  for (const kind of kinds) ctx.metrics.scannerBlocked(kind);

  if (policy === "redact") {
    await transact(ctx, async (_tx, record) => {
      await record({ type: "scanner.redacted", runId: refs.runId ?? null, projectId: refs.projectId ?? null, meta });
    });
    return fields.map((f) => {
      const hit = hits.find((h) => h.field === f.field && h.value === f.value);
      return hit ? fitted(redact(f.value, hit.findings), f.max) : f.value;
    });
  }

  await transact(ctx, async (_tx, record) => {
    await record({ type: "scanner.blocked", runId: refs.runId ?? null, projectId: refs.projectId ?? null, meta });
  });
  const first = hits[0]!;
  const firstKinds = [...new Set(first.findings.map((x) => x.kind))].sort().join(", ");
  const more = hits.length > 1 ? ` (and ${hits.length - 1} more field(s): ${fieldNames.slice(1, 6).join(", ")})` : "";
  throw new AppError(
    "scanner_blocked",
    `field '${first.field}' contains ${what(first.findings)}: ${firstKinds}${more}; remove it and retry`,
    { fields: fieldNames, kinds },
  );
}
