import { Elysia } from "elysia";

export interface WebAsset {
  readonly body: string;
  readonly type: string;
}

/** The built web app: `index.html` plus hashed assets, embedded in the binary at build time. */
export interface WebAssets {
  readonly index: string;
  readonly assets: Readonly<Record<string, WebAsset>>;
}

/**
 * Serves hashed assets with a long cache and `index.html` (no cache) for every other GET outside
 * /api, so the single-page app owns its URLs.
 */
export function spaRoutes(web: WebAssets) {
  return new Elysia()
    .get("/assets/*", ({ params }) => {
      const asset = web.assets[params["*"]];
      if (!asset) return new Response("not found", { status: 404, headers: { "content-type": "text/plain" } });
      return new Response(asset.body, {
        headers: { "content-type": asset.type, "cache-control": "public, max-age=31536000, immutable" },
      });
    })
    .get("/*", ({ params }) => {
      if (params["*"].startsWith("api/") || params["*"] === "api") {
        return Response.json({ error: { code: "not_found", message: "no such route" } }, { status: 404 });
      }
      return new Response(web.index, { headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-cache" } });
    });
}
