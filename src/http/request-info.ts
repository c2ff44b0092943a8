/** Per-request facts only the server knows (the peer address), attached without trusting headers. */
const clientAddresses = new WeakMap<Request, string>();

export function setClientAddress(request: Request, address: string): void {
  clientAddresses.set(request, address);
}

/** The peer address of the request ("unknown" in in-process tests). */
export function clientAddress(request: Request): string {
  return clientAddresses.get(request) ?? "unknown";
}
