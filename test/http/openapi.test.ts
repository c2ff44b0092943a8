import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { ERROR_CODES } from "../../src/core/errors.ts";
import { createTestApp, type TestApp } from "../support/app.ts";
import { api } from "../support/http.ts";
import { registeredApiRoutes } from "../support/routes.ts";

let app: TestApp;
let doc: any;
beforeAll(async () => {
  app = await createTestApp();
  const r = await api(app, "GET", "/api/openapi.json");
  expect(r.status).toBe(200);
  doc = r.json;
});
afterAll(() => app.dispose());

describe("GET /api/openapi.json", () => {
  test("is an OpenAPI 3.1 document that needs no session", () => {
    expect(doc.openapi).toBe("3.1.0");
    expect(doc.info.title).toBe("Railyard admin API");
  });

  test("lists every registered /api route with its method and a summary", () => {
    const missing: string[] = [];
    for (const route of registeredApiRoutes(app)) {
      const path = route.path.replace(/:([A-Za-z0-9_]+)/g, "{$1}");
      const operation = doc.paths[path]?.[route.method.toLowerCase()];
      if (!operation || typeof operation.summary !== "string" || operation.summary.length === 0) missing.push(`${route.method} ${route.path}`);
    }
    expect(missing).toEqual([]);
    expect(doc.paths["/api/keys/{id}"].delete.parameters).toEqual([{ name: "id", in: "path", required: true, schema: { type: "string", maxLength: 128 } }]);
  });

  test("documents the one error shape with the stable codes", () => {
    const error = doc.components.schemas.Error;
    expect(error.required).toEqual(["error"]);
    expect(error.properties.error.required).toEqual(["code", "message"]);
    expect(error.properties.error.properties.code.enum).toEqual([...ERROR_CODES]);
    expect(doc.paths["/api/users"].get.responses["403"].content["application/json"].schema).toEqual({ $ref: "#/components/schemas/Error" });
  });

  test("marks the routes that work without a session", () => {
    expect(doc.paths["/api/auth/login"].post.security).toEqual([]);
    expect(doc.paths["/api/users"].get.security).toBeUndefined();
    expect(doc.security).toEqual([{ session: [] }]);
  });
});
