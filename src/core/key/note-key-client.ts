import type { Services } from "../context.ts";
import { clientText } from "./key-usage.ts";

/**
 * Stores which MCP client (clientInfo name and version) uses the key, when it differs from what
 * this node saw last: a write per client change, not per call.
 */
export async function noteKeyClient(services: Services, keyId: string, clientInfo: unknown): Promise<void> {
  if (clientInfo === null || typeof clientInfo !== "object") return;
  const info = clientInfo as { name?: unknown; version?: unknown };
  const name = clientText(info.name);
  if (name === null) return;
  const version = clientText(info.version);
  if (!services.keyUsage.clientChanged(keyId, name, version)) return;
  try {
    await services.store.write((tx) => tx.keys.setClient(keyId, name, version));
  } catch (error) {
    // Bookkeeping only: the call goes on; the next request from this client tries again.
    services.keyUsage.forgetClient(keyId);
    services.logger.warn({ kind: (error as Error)?.name ?? "error" }, "could not record the key's client");
  }
}
