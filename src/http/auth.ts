// Sessions and CSRF for the /api routers: every router resolves its caller through `authenticate`.
import type { Config } from "../config.ts";
import { recordRefusal } from "../core/audit/record-refusal.ts";
import { withActor, type Ctx } from "../core/context.ts";
import { AppError } from "../core/errors.ts";
import { resolveSession, type SessionToken } from "../core/user/session.ts";
import { hostOf } from "./headers.ts";
import { clientAddress } from "./request-info.ts";
import type { RouteDeps } from "./routes/index.ts";

const PLAIN_COOKIE = "railyard_session";
// The __Host- prefix makes browsers refuse the cookie unless it is Secure, host-only and Path=/.
const HOST_COOKIE = "__Host-railyard_session";

/** The session cookie's name: `__Host-railyard_session` with TLS, `railyard_session` without. */
export function sessionCookieName(config: Config): string {
  return config.tlsCert !== null ? HOST_COOKIE : PLAIN_COOKIE;
}

/** The Set-Cookie value carrying a session token (HttpOnly, SameSite=Strict, Path=/, Secure with TLS). */
export function sessionCookie(config: Config, session: SessionToken, now: number): string {
  const maxAge = Math.max(0, Math.floor((session.expiresAt - now) / 1000));
  return `${sessionCookieName(config)}=${session.token}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAge}${config.tlsCert !== null ? "; Secure" : ""}`;
}

/** The Set-Cookie value that removes the session cookie. */
export function clearedSessionCookie(config: Config): string {
  return `${sessionCookieName(config)}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0${config.tlsCert !== null ? "; Secure" : ""}`;
}

/** The session token from the request's Cookie header, or null. */
export function sessionTokenFrom(config: Config, request: Request): string | null {
  const header = request.headers.get("cookie");
  if (header === null) return null;
  const name = sessionCookieName(config);
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}

/**
 * Whether `origin` is this server: the configured public URL, or exactly the origin the request was
 * sent to (scheme, host and port: another app on the same host but another port is another origin).
 */
function isOwnOrigin(deps: RouteDeps, request: Request, origin: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(origin);
  } catch {
    return false;
  }
  if (deps.config.publicUrl !== null && parsed.origin === deps.config.publicUrl) return true;
  if (!deps.config.allowedHosts.includes(hostOf(origin, true) ?? "")) return false;
  const target = new URL(request.url);
  const host = request.headers.get("host") ?? target.host;
  const scheme = deps.config.tlsCert !== null ? "https:" : target.protocol;
  return parsed.origin === new URL(`${scheme}//${host}`).origin;
}

/**
 * Refuses cross-site requests (CSRF): `Sec-Fetch-Site` must be `same-origin` or `none` when the
 * browser sends it; otherwise the Origin header must be this server's own origin.
 * Refusals answer 403 `forbidden` and record `origin.rejected`.
 */
export async function sameOriginCheck(deps: RouteDeps, request: Request): Promise<void> {
  const site = request.headers.get("sec-fetch-site");
  let why: string | null = null;
  if (site !== null) {
    if (site !== "same-origin" && site !== "none") why = "sec_fetch_site";
  } else {
    const origin = request.headers.get("origin");
    if (origin === null || origin === "null") why = "origin_missing";
    else if (!isOwnOrigin(deps, request, origin)) why = "origin";
  }
  if (why === null) return;
  await recordRefusal(withActor(deps.services, { kind: "system", clientAddress: clientAddress(request) }), "origin.rejected", { why, path: new URL(request.url).pathname, method: request.method });
  throw new AppError("forbidden", "cross-site request refused; send state-changing requests from the Railyard web app (same origin)");
}

/** A signed-in person's Ctx, carrying the session it came from (for logout and live streams). */
export interface SessionCtx extends Ctx {
  readonly sessionId: string;
}

/**
 * Resolves the signed-in person's Ctx from the session cookie (throws `unauthenticated`), sets a
 * refreshed cookie on `set.headers["set-cookie"]` when the session slides, and with
 * `options.write` also enforces the same-origin (CSRF) check first.
 */
export async function authenticate(
  deps: RouteDeps,
  request: Request,
  set: { headers: Record<string, string | string[]> | any },
  options: { write?: boolean } = {},
): Promise<SessionCtx> {
  if (options.write) await sameOriginCheck(deps, request);
  const resolved = await resolveSession(deps.services, sessionTokenFrom(deps.config, request));
  if (resolved.renewed) set.headers["set-cookie"] = sessionCookie(deps.config, resolved.renewed, deps.services.clock.now());
  return { ...withActor(deps.services, resolved.actor), sessionId: resolved.sessionId };
}

/** The session id behind a Ctx built by `authenticate` (for logout), or null for any other Ctx. */
export function sessionIdOf(ctx: Ctx): string | null {
  const sessionId = (ctx as Partial<SessionCtx>).sessionId;
  return typeof sessionId === "string" ? sessionId : null;
}

/** A request body as an object of fields (absent body = no fields); anything else is `invalid`. */
export function bodyFields(body: unknown): Record<string, unknown> {
  if (body === undefined || body === null || body === "") return {};
  if (typeof body !== "object" || Array.isArray(body)) throw new AppError("invalid", "body: the request body must be a JSON object", { fields: ["body"] });
  return body as Record<string, unknown>;
}

/**
 * A body's fields together with the path's parameters. A body field naming a path parameter is
 * refused rather than silently overridden: `{projectSlug: "other"}` must not quietly change the project in the path.
 */
export function bodyWithPath(body: unknown, path: Record<string, string>): Record<string, unknown> {
  const fields = bodyFields(body);
  const clash = Object.keys(path).filter((key) => Object.hasOwn(fields, key));
  if (clash.length > 0) throw new AppError("invalid", `${clash.join(", ")}: given by the path, not the body`, { fields: clash });
  return { ...fields, ...path };
}
