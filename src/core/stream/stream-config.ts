import { looksLikePemCertificates, parseStreamUrl, type StreamAddress } from "../../lib/stream-url.ts";
import { EVENT_TYPES } from "../audit/registry.ts";
import { invalid } from "../errors.ts";
import type { Queries } from "../store.ts";

const TYPE_NAMES = Object.keys(EVENT_TYPES);

/** A destination address, or an `invalid` error naming the field (never echoing the value). */
export function checkStreamUrl(url: string): StreamAddress {
  const parsed = parseStreamUrl(url);
  if ("error" in parsed) throw invalid(`url: ${parsed.error}`, { fields: ["url"] });
  return parsed;
}

/** A CA is PEM certificates, and only meaningful on a TLS address. */
export function checkCaPem(address: StreamAddress, caPem: string | null): string | null {
  if (caPem === null || caPem.trim() === "") return null;
  if (!address.tls) throw invalid("caPem: a CA certificate applies only to tls:// and https:// addresses", { fields: ["caPem"] });
  if (!looksLikePemCertificates(caPem)) throw invalid("caPem: expected PEM certificates (-----BEGIN CERTIFICATE----- …)", { fields: ["caPem"] });
  return caPem.trim() + "\n";
}

/** Event-type filters must name registered types or families that hold at least one. */
export function checkEventTypes(filters: readonly string[]): string[] {
  for (const f of filters) {
    const known = f.endsWith(".*") ? TYPE_NAMES.some((t) => t.startsWith(f.slice(0, -1))) : TYPE_NAMES.includes(f);
    if (!known) throw invalid(`eventTypes: ${JSON.stringify(f)} is not an event type or family (see the README's event table)`, { fields: ["eventTypes"] });
  }
  return [...new Set(filters)];
}

/** Project filters must name existing projects. */
export async function checkProjectIds(q: Pick<Queries, "projects">, ids: readonly string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const known = new Set((await q.projects.list()).map((p) => p.id));
  for (const id of ids) if (!known.has(id)) throw invalid(`projectIds: no project ${id}`, { fields: ["projectIds"] });
  return [...new Set(ids)];
}
