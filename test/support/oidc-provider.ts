// A real OpenID provider on loopback for tests: `oidc-provider` (the certified Node.js
// implementation) configured here, with a small synthetic directory of accounts, its own signing
// key, and switches a test flips: how long authorization codes live, whether the next ID token is
// re-signed for another audience, and which accounts are disabled.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, generateKeyPair, decodeJwt, SignJWT, decodeProtectedHeader } from "jose";
import Provider from "oidc-provider";

export interface TestAccount {
  email: string;
  name: string;
  groups: string[];
  emailVerified?: boolean;
  disabled?: boolean;
}

export interface TestOidcProvider {
  readonly issuer: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly accounts: Map<string, TestAccount>;
  /** Seconds an authorization code stays valid (default 60). */
  codeTtlSeconds: number;
  /** When set, the next token response's ID token is re-signed (same key) with this audience. */
  nextIdTokenAudience: string | null;
  /** Token endpoint requests seen (grant types), to prove a renewal asked the provider. */
  readonly grants: string[];
  /** Registers the redirect URL (known once the Railyard server listens) and starts answering. */
  start(redirectUrl: string): void;
  stop(): Promise<void>;
}

/** Listens on 127.0.0.1 (free port) at once, so the issuer URL is known before Railyard is configured. */
export async function startTestOidcProvider(): Promise<TestOidcProvider> {
  let handler: ((req: never, res: never) => void) | null = null;
  const server: Server = createServer((req, res) => {
    if (handler) return handler(req as never, res as never);
    res.statusCode = 503;
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const { privateKey } = await generateKeyPair("RS256", { extractable: true });
  const jwk = { ...(await exportJWK(privateKey)), kid: "test-signing-key", alg: "RS256", use: "sig" };

  const state: TestOidcProvider = {
    issuer,
    clientId: "railyard",
    clientSecret: `test-client-secret-${crypto.randomUUID()}`,
    accounts: new Map(),
    codeTtlSeconds: 60,
    nextIdTokenAudience: null,
    grants: [],
    start(redirectUrl: string) {
      const provider = new Provider(issuer, {
        clients: [{
          client_id: state.clientId, client_secret: state.clientSecret, redirect_uris: [redirectUrl],
          grant_types: ["authorization_code", "refresh_token"], response_types: ["code"], token_endpoint_auth_method: "client_secret_post",
        }],
        jwks: { keys: [jwk] },
        cookies: { keys: [`test-cookie-key-${crypto.randomUUID()}`] },
        pkce: { required: () => true },
        claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name"], groups: ["groups"] },
        scopes: ["openid", "email", "profile", "groups", "offline_access"],
        // Profile claims in the ID token itself (the provider would otherwise keep them for userinfo).
        conformIdTokenClaims: false,
        issueRefreshToken: async (_ctx: unknown, client: { grantTypeAllowed(t: string): boolean }) => client.grantTypeAllowed("refresh_token"),
        ttl: { AuthorizationCode: () => state.codeTtlSeconds, IdToken: 3600, AccessToken: 3600, RefreshToken: 86_400, Interaction: 600, Session: 86_400, Grant: 86_400 },
        features: { devInteractions: { enabled: true } },
        findAccount: async (_ctx: unknown, id: string) => {
          const account = state.accounts.get(id);
          if (!account || account.disabled) return undefined;
          return {
            accountId: id,
            claims: async () => ({ sub: id, email: account.email, email_verified: account.emailVerified ?? true, name: account.name, groups: account.groups }),
          };
        },
      } as never);
      provider.use(async (ctx, next) => {
        await next();
        if (ctx.path === "/token" && ctx.method === "POST") state.grants.push(String((ctx as unknown as { oidc?: { params?: { grant_type?: string } } }).oidc?.params?.grant_type ?? "?"));
        const body = ctx.body as { id_token?: string } | undefined;
        if (ctx.path === "/token" && state.nextIdTokenAudience !== null && typeof body?.id_token === "string") {
          // The same provider and key, the same claims, but issued for someone else's client.
          const claims = decodeJwt(body.id_token);
          const header = decodeProtectedHeader(body.id_token);
          body.id_token = await new SignJWT({ ...claims, aud: state.nextIdTokenAudience }).setProtectedHeader({ alg: "RS256", kid: header.kid }).sign(privateKey);
          state.nextIdTokenAudience = null;
        }
      });
      handler = provider.callback() as never;
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  return state;
}
