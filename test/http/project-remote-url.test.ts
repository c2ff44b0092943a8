// A project's remote URL is an http(s), ssh:// or scp-like git address (issue 13, finding 9): the
// web app shows it, so other schemes (javascript:, file:, data:, ftp:) are refused on create and on
// change, in plain words naming the field, and nothing is stored.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createTestApp, type TestApp } from "../support/app.ts";
import { api } from "../support/http.ts";
import { signedInAs } from "../support/session-cookie.ts";

let app: TestApp;
let headers: Record<string, string>;
beforeAll(async () => {
  app = await createTestApp();
  headers = (await signedInAs(app, "admin")).headers;
});
afterAll(() => app.dispose());

const ACCEPTED = ["https://git.example.test/team/shop.git", "http://git.internal/shop", "ssh://git@git.example.test:2222/team/shop.git", "git+ssh://git.example.test/shop", "git@github.com:team/shop.git"];
const REFUSED = ["javascript:alert(1)", "file:///etc/passwd", "data:text/html,hi", "ftp://files.example.test/shop", "git.example.test/shop", "https://", "user@host://x"];

describe("a project's remote URL", () => {
  test("http(s), ssh:// and git@host:path remotes are stored as given", async () => {
    for (const [i, remoteUrl] of ACCEPTED.entries()) {
      const r = await api(app, "POST", "/api/projects", { headers, body: { slug: `ok-${i}`, name: `OK ${i}`, remoteUrl } });
      expect(r.status).toBe(201);
      expect(r.json.project.remoteUrl).toBe(remoteUrl);
    }
  });

  test("any other scheme is refused on create and on change, naming the field, and nothing changes", async () => {
    const before = (await api(app, "GET", "/api/projects", { headers })).json.projects.length;
    for (const remoteUrl of REFUSED) {
      const r = await api(app, "POST", "/api/projects", { headers, body: { slug: "bad", name: "Bad", remoteUrl } });
      expect(r.status).toBe(400);
      expect(r.json.error.details.fields).toEqual(["remoteUrl"]);
      expect(r.json.error.message).toContain("use an https://, http://, ssh:// or git@host:path address");
      const change = await api(app, "PATCH", "/api/projects/ok-0", { headers, body: { remoteUrl } });
      expect(change.status).toBe(400);
    }
    expect((await api(app, "GET", "/api/projects", { headers })).json.projects.length).toBe(before);
    expect((await api(app, "GET", "/api/projects/ok-0", { headers })).json.project.remoteUrl).toBe(ACCEPTED[0]);
  });
});
