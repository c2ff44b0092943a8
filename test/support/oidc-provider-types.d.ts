// oidc-provider ships no type declarations; the tests use its constructor, `use` and `callback`.
declare module "oidc-provider" {
  interface KoaContext {
    path: string;
    method: string;
    body: unknown;
  }
  export default class Provider {
    constructor(issuer: string, configuration: unknown);
    use(middleware: (ctx: KoaContext, next: () => Promise<void>) => Promise<void>): void;
    callback(): (req: unknown, res: unknown) => void;
  }
}
