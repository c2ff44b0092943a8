import { lookup } from "node:dns/promises";
import { isIP } from "node:net";
import { isLoopbackOrLinkLocal } from "../lib/net-address.ts";

export class DestinationRefused extends Error {}

/**
 * Resolves a channel's host and refuses it when any of its addresses is loopback or link-local
 * (the server itself, its cloud metadata service) unless the owner allowed that for this channel.
 * Returns the first address, which SMTP then connects to (no second lookup to rebind).
 */
export async function resolveDestination(host: string, allowPrivateNetwork: boolean): Promise<string> {
  const bare = host.replace(/^\[|\]$/g, "");
  const addresses = isIP(bare) ? [bare] : (await lookup(bare, { all: true, verbatim: true })).map((a) => a.address);
  if (addresses.length === 0) throw Object.assign(new Error("no address"), { code: "ENOTFOUND" });
  if (!allowPrivateNetwork && addresses.some(isLoopbackOrLinkLocal)) {
    throw new DestinationRefused(`refused: ${bare} resolves to a loopback or link-local address; only the owner can allow that for this channel`);
  }
  return addresses[0]!;
}
