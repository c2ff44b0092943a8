// The OpenID Connect client (openid-client): discovery from the issuer, the authorization code flow
// with PKCE (S256), and the checks of the way back: state, then the code exchange and the ID token
// (signature against the provider's JWKS, iss, aud, exp, iat, nonce). Refresh grants re-check a
// person at session renewal. Failures become SsoFailure with a reason from a closed set; the
// provider's raw answers, the tokens and the client secret are never put into a message or a log.
import * as client from "openid-client";
import type { Logger } from "pino";
import { isLoopbackHttp } from "../core/identity/issuer.ts";
import { SsoFailure, type OidcChecks, type OidcEndpoint, type OidcTokens } from "../core/identity/port.ts";
import { safeEqual, sha256Hex } from "../lib/hash.ts";

/** Discovery documents and keys are kept this long, then fetched again. */
const DISCOVERY_TTL_MS = 10 * 60_000;
/** Each request to the provider gives up after this many seconds. */
const TIMEOUT_SECONDS = 10;

function unreachable(): SsoFailure {
  return new SsoFailure("provider_unreachable", "the identity provider could not be reached; try again, or ask the owner to check the OIDC settings");
}

/** Network failures, timeouts and refused connections (as opposed to an answer the provider gave). */
function isNetworkError(error: unknown): boolean {
  const e = error as { name?: string; code?: string; cause?: unknown };
  if (e?.name === "AbortError" || e?.name === "TimeoutError") return true;
  if (typeof e?.code === "string" && /^(ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|ConnectionRefused|FailedToOpenSocket|UND_ERR)/.test(e.code)) return true;
  if (error instanceof TypeError && /fetch|connect|network|socket/i.test(error.message)) return true;
  return e?.cause !== undefined && e.cause !== error ? isNetworkError(e.cause) : false;
}

/** Classifies what the library threw during the code exchange or a refresh. */
function classify(error: unknown, stage: "exchange" | "refresh"): SsoFailure {
  if (error instanceof SsoFailure) return error;
  if (isNetworkError(error)) return unreachable();
  if (error instanceof client.ResponseBodyError) {
    if (error.error === "invalid_grant") {
      return stage === "refresh"
        ? new SsoFailure("account_gone", "the identity provider no longer vouches for this person (account disabled, removed or signed out there)")
        : new SsoFailure("code_rejected", "the identity provider refused the sign-in code (expired or already used); sign in again");
    }
    return new SsoFailure("provider_error", `the identity provider answered ${error.error}; ask the owner to check the OIDC client settings`);
  }
  if (error instanceof client.AuthorizationResponseError) {
    return new SsoFailure("provider_error", `the identity provider refused the sign-in (${error.error})`);
  }
  const code = (error as { code?: string })?.code ?? "";
  if (/JWT|KEY_SELECTION|JWS|JWK/.test(code) || /ID Token|JWT|signature/i.test((error as Error)?.message ?? "")) {
    return new SsoFailure("id_token_invalid", "the identity provider's ID token did not pass validation (signature, issuer, audience, expiry or nonce)");
  }
  return new SsoFailure("provider_error", "the identity provider's answer could not be used; ask the owner to check the OIDC settings");
}

/** The OIDC half of the SSO clients. Discovery results are cached per issuer, client and secret. */
export function createOidcClient(logger: Logger) {
  const cache = new Map<string, { config: Promise<client.Configuration>; at: number }>();

  async function configuration(endpoint: OidcEndpoint): Promise<client.Configuration> {
    const key = sha256Hex(JSON.stringify([endpoint.issuer, endpoint.clientId, endpoint.clientSecret]));
    const hit = cache.get(key);
    if (hit && Date.now() - hit.at < DISCOVERY_TTL_MS) return hit.config;
    const insecure = isLoopbackHttp(endpoint.issuer);
    const config = client.discovery(
      new URL(endpoint.issuer),
      endpoint.clientId,
      endpoint.clientSecret ?? undefined,
      endpoint.clientSecret === null ? client.None() : client.ClientSecretPost(endpoint.clientSecret),
      // http:// is only ever allowed for loopback issuers (checked where the issuer is configured).
      { execute: insecure ? [client.allowInsecureRequests] : [], timeout: TIMEOUT_SECONDS },
    ).then((c) => {
      c.timeout = TIMEOUT_SECONDS;
      return c;
    });
    cache.set(key, { config, at: Date.now() });
    try {
      return await config;
    } catch (error) {
      cache.delete(key);
      logger.warn({ issuerHost: new URL(endpoint.issuer).host, network: isNetworkError(error) }, "OIDC discovery failed");
      if (isNetworkError(error)) throw unreachable();
      throw new SsoFailure("misconfigured", "OIDC discovery failed: the issuer URL does not serve a valid /.well-known/openid-configuration for it");
    }
  }

  const scopeOf = (endpoint: OidcEndpoint) => [...new Set(["openid", "email", "profile", ...endpoint.scopes])].join(" ");

  return {
    async oidcBegin(endpoint: OidcEndpoint): Promise<{ url: string; checks: OidcChecks }> {
      const config = await configuration(endpoint);
      const checks: OidcChecks = { state: client.randomState(), nonce: client.randomNonce(), codeVerifier: client.randomPKCECodeVerifier() };
      const url = client.buildAuthorizationUrl(config, {
        redirect_uri: endpoint.redirectUrl,
        scope: scopeOf(endpoint),
        response_type: "code",
        code_challenge: await client.calculatePKCECodeChallenge(checks.codeVerifier),
        code_challenge_method: "S256",
        state: checks.state,
        nonce: checks.nonce,
      });
      return { url: url.href, checks };
    },

    async oidcComplete(endpoint: OidcEndpoint, callbackUrl: URL, checks: OidcChecks): Promise<OidcTokens> {
      // The state is compared here first (constant time) so a forged or crossed round trip is told
      // apart from a provider error; the library checks it again.
      const state = callbackUrl.searchParams.get("state");
      if (state === null || !safeEqual(state, checks.state)) {
        throw new SsoFailure("state_mismatch", "this sign-in answer does not belong to the sign-in started in this browser; start again");
      }
      const config = await configuration(endpoint);
      try {
        const tokens = await client.authorizationCodeGrant(config, callbackUrl, {
          pkceCodeVerifier: checks.codeVerifier,
          expectedState: checks.state,
          expectedNonce: checks.nonce,
          idTokenExpected: true,
        });
        const claims = tokens.claims();
        if (!claims) throw new SsoFailure("id_token_invalid", "the identity provider sent no ID token");
        return { claims: { ...claims }, refreshToken: tokens.refresh_token ?? null };
      } catch (error) {
        const failure = classify(error, "exchange");
        logger.warn({ reason: failure.reason, code: (error as { code?: string })?.code ?? null }, "OIDC sign-in failed");
        throw failure;
      }
    },

    async oidcRefresh(endpoint: OidcEndpoint, refreshToken: string): Promise<OidcTokens> {
      const config = await configuration(endpoint);
      try {
        const tokens = await client.refreshTokenGrant(config, refreshToken);
        const claims = tokens.claims();
        return { claims: claims ? { ...claims } : {}, refreshToken: tokens.refresh_token ?? refreshToken };
      } catch (error) {
        const failure = classify(error, "refresh");
        logger.warn({ reason: failure.reason, code: (error as { code?: string })?.code ?? null }, "OIDC session re-check failed");
        throw failure;
      }
    },
  };
}
