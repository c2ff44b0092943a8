import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { keysCommand } from "../../src/cli/keys.ts";
import { authenticateKey } from "../../src/core/key/authenticate-key.ts";
import { sha256Hex } from "../../src/lib/hash.ts";
import { isWellFormedPluginKey } from "../../src/lib/plugin-key-format.ts";
import { createTestApp, seedUser, type TestApp } from "../support/app.ts";
import { memoryIo } from "../support/cli-io.ts";

let app: TestApp;
beforeEach(async () => {
  app = await createTestApp();
});
afterEach(() => app.dispose());

describe("railyard keys create", () => {
  test("prints a working key once on stdout and stores only its hash", async () => {
    const { user } = await seedUser(app, "developer");
    const io = memoryIo();
    const code = await keysCommand(["create", "--email", user.email.toUpperCase(), "--name", "ci runner", "--expires-days", "30", "--data-dir", app.dataDir], io);
    expect(code).toBe(0);
    const key = io.out().trim();
    expect(isWellFormedPluginKey(key)).toBe(true);
    expect(io.err()).toContain("shown only this once");
    expect(io.err()).not.toContain(key);
    const [row, ...more] = await app.store.read.keys.list(user.id);
    expect(more).toEqual([]);
    expect(row!.hash).toBe(sha256Hex(key));
    expect(JSON.stringify(row)).not.toContain(key);
    expect(row!.expiresAt).toBeGreaterThan(app.clock.now());
    expect((await authenticateKey(app.services, key, "127.0.0.1")).actor).toMatchObject({ kind: "agent", userId: user.id, role: "developer" });
  });

  test("an unknown email fails with exit 1 and creates nothing", async () => {
    const io = memoryIo();
    expect(await keysCommand(["create", "--email", "nobody@example.test", "--name", "x", "--data-dir", app.dataDir], io)).toBe(1);
    expect(io.out()).toBe("");
    expect(io.err()).toContain("no user with this email");
    expect(await app.store.read.keys.list(null)).toHaveLength(0);
  });

  test("an auditor cannot own keys", async () => {
    const { user } = await seedUser(app, "auditor");
    const io = memoryIo();
    expect(await keysCommand(["create", "--email", user.email, "--name", "x", "--data-dir", app.dataDir], io)).toBe(1);
    expect(io.err()).toContain("auditor role cannot own plugin keys");
    expect(io.out()).toBe("");
  });

  test("missing or bad options are usage errors (exit 2)", async () => {
    const { user } = await seedUser(app, "lead");
    for (const argv of [
      ["create", "--name", "x"],
      ["create", "--email", user.email],
      ["create", "--email", user.email, "--name", "x", "--expires-days", "soon"],
      ["create", "--email", user.email, "--name", "x".repeat(101)],
      ["rotate"],
    ]) {
      const io = memoryIo();
      expect(await keysCommand([...argv, "--data-dir", app.dataDir], io)).toBe(2);
      expect(io.out()).toBe("");
    }
    expect(await app.store.read.keys.list(null)).toHaveLength(0);
  });
});
