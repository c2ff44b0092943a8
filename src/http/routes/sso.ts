import { Elysia } from "elysia";
import { withActor } from "../../core/context.ts";
import { AppError } from "../../core/errors.ts";
import { getIdentitySettings, ssoAvailability, updateIdentitySettings } from "../../core/identity/identity-settings.ts";
import { finishOidcSignIn, ldapSignIn, ROUND_TRIP_MS, startOidcSignIn } from "../../core/identity/sso-sign-in.ts";
import { authenticate, bodyFields, sameOriginCheck, sessionCookie } from "../auth.ts";
import { clientAddress } from "../request-info.ts";
import type { RouteDeps } from "./index.ts";

// The round trip's sealed checks ride in a cookie of their own. SameSite=Lax, not Strict: the
// provider's redirect back to the callback is a cross-site navigation, which a Strict cookie
// would not accompany. It is HttpOnly, scoped to the OIDC routes and lives ten minutes.
const ROUND_TRIP_COOKIE = "railyard_oidc";

function roundTripCookie(deps: RouteDeps, value: string, maxAgeSeconds: number): string {
  return `${ROUND_TRIP_COOKIE}=${value}; Path=/api/auth/oidc; HttpOnly; SameSite=Lax; Max-Age=${maxAgeSeconds}${deps.config.tlsCert !== null ? "; Secure" : ""}`;
}

function cookieValue(request: Request, name: string): string | null {
  for (const part of (request.headers.get("cookie") ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim() || null;
  }
  return null;
}

/** This server's origin as the browser reached it (the Host header was checked against the allow-list already). */
function requestOrigin(deps: RouteDeps, request: Request): string {
  const url = new URL(request.url);
  const scheme = deps.config.tlsCert !== null ? "https:" : url.protocol;
  return `${scheme}//${request.headers.get("host") ?? url.host}`;
}

/** Back to the login page with the refusal's reason (the page explains it); never the provider's words. */
function toLoginPage(error: unknown, headers: Headers): Response {
  const reason = error instanceof AppError ? String(error.details?.reason ?? error.code) : "internal";
  headers.set("location", `/?sso_error=${encodeURIComponent(reason)}`);
  headers.set("cache-control", "no-store");
  return new Response(null, { status: 303, headers });
}

/**
 * Single sign-on: which providers the login page offers, the OIDC round trip, directory sign-in,
 * and the owner's identity settings.
 */
export function ssoRoutes(deps: RouteDeps) {
  return new Elysia()
    .get("/api/auth/sso", async ({ set }) => {
      set.headers["cache-control"] = "no-store";
      return await ssoAvailability(deps.services);
    }, { detail: { summary: "The sign-in options the login page offers (SSO buttons, whether password sign-in is off)" } })
    .get("/api/auth/oidc/start", async ({ request }) => {
      const ctx = withActor(deps.services, { kind: "system", clientAddress: clientAddress(request) });
      const headers = new Headers({ "cache-control": "no-store" });
      try {
        const { url, roundTrip } = await startOidcSignIn({ ctx, requestOrigin: requestOrigin(deps, request) });
        headers.append("set-cookie", roundTripCookie(deps, roundTrip, Math.floor(ROUND_TRIP_MS / 1000)));
        headers.set("location", url);
        return new Response(null, { status: 302, headers });
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        return toLoginPage(error, headers);
      }
    }, { detail: { summary: "Start OIDC sign-in: redirects to the identity provider (authorization code with PKCE)" } })
    .get("/api/auth/oidc/callback", async ({ request }) => {
      const address = clientAddress(request);
      const ctx = withActor(deps.services, { kind: "system", clientAddress: address });
      const headers = new Headers({ "cache-control": "no-store" });
      // The round-trip cookie works once, whatever happens next.
      headers.append("set-cookie", roundTripCookie(deps, "", 0));
      try {
        const result = await finishOidcSignIn({
          ctx, query: new URL(request.url).search, roundTrip: cookieValue(request, ROUND_TRIP_COOKIE), clientAddress: address, requestOrigin: requestOrigin(deps, request),
        });
        headers.append("set-cookie", sessionCookie(deps.config, result.session, deps.services.clock.now()));
        // A page that moves on to the app by itself: the session cookie is SameSite=Strict, and a
        // browser does not send it on the rest of a redirect chain that began at the provider.
        headers.set("content-type", "text/html; charset=utf-8");
        return new Response('<!doctype html><meta charset="utf-8"><meta http-equiv="refresh" content="0;url=/"><title>Signed in · Railyard</title><p>Signed in. <a href="/">Continue</a></p>', { status: 200, headers });
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        return toLoginPage(error, headers);
      }
    }, { detail: { summary: "The OIDC redirect URL: validates state, code, ID token and nonce, then signs the person in" } })
    .post("/api/auth/ldap", async ({ request, body, set }) => {
      await sameOriginCheck(deps, request);
      const address = clientAddress(request);
      const result = await ldapSignIn({ ctx: withActor(deps.services, { kind: "system", clientAddress: address }), input: bodyFields(body), clientAddress: address });
      set.headers["set-cookie"] = sessionCookie(deps.config, result.session, deps.services.clock.now());
      set.headers["cache-control"] = "no-store";
      return { user: result.user };
    }, { detail: { summary: "Sign in with a directory (LDAP / Active Directory) account {username, password}" } })
    .get("/api/settings/identity", async ({ request, set }) => {
      const ctx = await authenticate(deps, request, set);
      set.headers["cache-control"] = "no-store";
      return { identity: await getIdentitySettings({ ctx, requestOrigin: requestOrigin(deps, request) }) };
    }, { detail: { summary: "Identity providers (OIDC, LDAP) and SSO-only mode (owner only; secrets only as set or not)" } })
    .patch("/api/settings/identity", async ({ request, body, set }) => {
      const ctx = await authenticate(deps, request, set, { write: true });
      set.headers["cache-control"] = "no-store";
      return { identity: await updateIdentitySettings({ ctx, input: bodyFields(body), requestOrigin: requestOrigin(deps, request) }) };
    }, { detail: { summary: "Change identity providers and SSO-only mode (owner only; secrets are write-only)" } });
}
