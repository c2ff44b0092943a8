// Break-glass: `railyard users reset-password --email E` prints a one-time link that sets a new password.
import { describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Io } from "../../src/cli/io.ts";
import { run } from "../../src/main.ts";
import { createTestApp } from "../support/app.ts";
import { eventsOf } from "../support/audit.ts";
import { createTestDatabase, onPostgres } from "../support/backend.ts";
import { api } from "../support/http.ts";

const PASSWORD = "a-long-synthetic-passphrase";

function fakeIo(stdin = "") {
  let out = "";
  let err = "";
  const io: Io = { stdout: (t) => void (out += t), stderr: (t) => void (err += t), stdin: () => new Blob([stdin]).stream(), env: {}, cwd: tmpdir() };
  return { io, out: () => out, err: () => err };
}

describe("railyard users reset-password", () => {
  test("prints a working one-time link on the public URL (else the local address), audited as the system", async () => {
    const dir = mkdtempSync(join(tmpdir(), "railyard-cli-"));
    // On the PostgreSQL run the commands and the app share one test database, as on one node.
    const databaseUrl = onPostgres ? await createTestDatabase() : null;
    const db = databaseUrl ? ["--database-url", databaseUrl] : [];
    try {
      expect(await run(["users", "create", "--email", "ana@example.test", "--role", "owner", "--password-stdin", "--data-dir", dir, ...db], fakeIo(`${PASSWORD}\n`).io)).toBe(0);

      const local = fakeIo();
      expect(await run(["users", "reset-password", "--email", "ana@example.test", "--data-dir", dir, ...db, "--port", "8080"], local.io)).toBe(0);
      expect(local.out()).toMatch(/^Password reset link for ana@example\.test \(valid 60 minutes, works once\):\n\n {2}http:\/\/127\.0\.0\.1:8080\/reset-password#token=[\w-]{20,}\n\n$/);

      const pub = fakeIo();
      expect(await run(["users", "reset-password", "--email", "Ana@Example.test", "--data-dir", dir, ...db, "--public-url", "https://railyard.example.test"], pub.io)).toBe(0);
      const link = /(https:\/\/railyard\.example\.test\/reset-password#token=([\w-]+))/.exec(pub.out());
      expect(link).not.toBeNull();
      const oldToken = /#token=([\w-]+)/.exec(local.out())![1]!;

      const app = await createTestApp({ "data-dir": dir, ...(databaseUrl ? { "database-url": databaseUrl } : {}) });
      app.clock.advance(Date.now() - app.clock.now()); // the CLI issued the links on the wall clock
      try {
        const reset = (token: string) => api(app, "POST", "/api/password-reset", { body: { token, password: "a-new-break-glass-passphrase" } });
        expect((await reset(oldToken)).status).toBe(401); // the newer link ended it
        expect((await reset(link![2]!)).status).toBe(200);
        expect((await api(app, "POST", "/api/auth/login", { body: { email: "ana@example.test", password: "a-new-break-glass-passphrase" } })).status).toBe(200);
        const issued = eventsOf(dir, "auth.password_reset_issued");
        expect(issued).toHaveLength(2);
        expect(issued.every((e: any) => e.meta.reason === "reset")).toBe(true);
      } finally {
        await app.dispose();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);

  test.each([
    [["--email", "nobody@example.test"], 1, "no user with the email nobody@example.test"],
    [[], 2, "--email"],
    [["--email", "a@example.test", "--password", "x"], 2, "unknown option --password"],
  ])("refuses %p with a clear message", async (extra, code, message) => {
    const dir = mkdtempSync(join(tmpdir(), "railyard-cli-"));
    // On the PostgreSQL run the commands and the app share one test database, as on one node.
    const databaseUrl = onPostgres ? await createTestDatabase() : null;
    const db = databaseUrl ? ["--database-url", databaseUrl] : [];
    try {
      const f = fakeIo();
      expect(await run(["users", "reset-password", ...extra, "--data-dir", dir], f.io)).toBe(code);
      expect(f.err()).toContain(message);
      expect(f.out()).toBe("");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("the help names both subcommands", async () => {
    const f = fakeIo();
    expect(await run(["users", "--help"], f.io)).toBe(0);
    expect(f.out()).toContain("railyard users reset-password --email E");
    expect(f.out()).toContain("--public-url");
  });
});
