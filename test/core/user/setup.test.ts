import { afterEach, describe, expect, test } from "bun:test";
import { completeSetup, issueSetupToken } from "../../../src/core/user/setup.ts";
import { AppError } from "../../../src/core/errors.ts";
import { HOUR } from "../../../src/lib/time.ts";
import { createTestApp, seedUser, type TestApp } from "../../support/app.ts";
import { rawDatabase } from "../../support/audit.ts";
import { onPostgres } from "../../support/backend.ts";

let app: TestApp;
afterEach(() => app?.dispose());

const owner = { email: "owner@example.test", name: "Olga Owner", password: "a-long-synthetic-passphrase" };

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return "ok";
  } catch (error) {
    return error instanceof AppError ? error.code : `unexpected ${(error as Error).message}`;
  }
}

describe("first-run setup", () => {
  test("a setup token creates the owner once; the token cannot be reused", async () => {
    app = await createTestApp();
    const token = (await issueSetupToken(app.ctx()))!;
    expect(token.length).toBeGreaterThan(30);
    const created = await completeSetup({ ctx: app.ctx(), input: { token, ...owner } });
    expect(created.role).toBe("owner");
    expect(await codeOf(completeSetup({ ctx: app.ctx(), input: { token, ...owner, email: "second@example.test" } }))).toBe("conflict");
  });

  test("no token is issued once an owner exists", async () => {
    app = await createTestApp();
    await seedUser(app, "owner");
    expect(await issueSetupToken(app.ctx())).toBeNull();
  });

  test("a token expires after one hour", async () => {
    app = await createTestApp();
    const token = (await issueSetupToken(app.ctx()))!;
    app.clock.advance(HOUR + 1);
    expect(await codeOf(completeSetup({ ctx: app.ctx(), input: { token, ...owner } }))).toBe("unauthenticated");
  });

  test("a wrong token or a weak password changes nothing", async () => {
    app = await createTestApp();
    const token = (await issueSetupToken(app.ctx()))!;
    expect(await codeOf(completeSetup({ ctx: app.ctx(), input: { token: "nope", ...owner } }))).toBe("unauthenticated");
    expect(await codeOf(completeSetup({ ctx: app.ctx(), input: { token, ...owner, password: "short" } }))).toBe("invalid");
    expect(await codeOf(completeSetup({ ctx: app.ctx(), input: { token, ...owner } }))).toBe("ok");
  });

  test("the token is stored only as a hash (SQLite: not in the log file's bytes; PostgreSQL: not in any stored row)", async () => {
    app = await createTestApp();
    const token = (await issueSetupToken(app.ctx()))!;
    if (onPostgres) {
      const stored = JSON.stringify([rawDatabase(app).query("SELECT * FROM setup_tokens").all(), rawDatabase(app).query("SELECT * FROM audit_events").all()]);
      expect(stored).toContain("token_hash");
      expect(stored.includes(token)).toBe(false);
    } else {
      const bytes = await Bun.file(`${app.dataDir}/railyard.sqlite-wal`).bytes();
      expect(Buffer.from(bytes).includes(Buffer.from(token))).toBe(false);
    }
  });
});
