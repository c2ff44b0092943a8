/** Per-request facts only the server knows (the peer address), attached without trusting headers. */
const CLIENT_ADDRESS = Symbol("railyard.clientAddress");

type WithAddress = Request & { [CLIENT_ADDRESS]?: string };

export function setClientAddress(request: Request, address: string): void {
  (request as WithAddress)[CLIENT_ADDRESS] = address;
}

/** The peer address of the request ("unknown" in in-process tests). */
export function clientAddress(request: Request): string {
  return (request as WithAddress)[CLIENT_ADDRESS] ?? "unknown";
}
