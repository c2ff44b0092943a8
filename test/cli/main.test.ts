import { describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Io } from "../../src/cli/io.ts";
import { run, VERSION } from "../../src/main.ts";

export function fakeIo(stdin = "", env: Record<string, string> = {}, cwd = tmpdir()) {
  let out = "";
  let err = "";
  const io: Io = {
    stdout: (t) => void (out += t),
    stderr: (t) => void (err += t),
    stdin: () => new Blob([stdin]).stream(),
    env,
    cwd,
  };
  return { io, out: () => out, err: () => err };
}

describe("command dispatch", () => {
  test("--version prints the version", async () => {
    const f = fakeIo();
    expect(await run(["--version"], f.io)).toBe(0);
    expect(f.out()).toBe(`railyard ${VERSION}\n`);
  });

  test("--help lists every command of the design", async () => {
    const f = fakeIo();
    expect(await run(["--help"], f.io)).toBe(0);
    for (const command of ["serve", "users", "keys", "scan", "exec", "audit", "backup", "restore"]) expect(f.out()).toContain(`  ${command}`);
  });

  test("an unknown command exits 2 with a pointer to --help", async () => {
    const f = fakeIo();
    expect(await run(["frobnicate"], f.io)).toBe(2);
    expect(f.err()).toContain("unknown command 'frobnicate'");
    expect(f.err()).toContain("--help");
  });

  test("an invalid setting fails with one line naming it, exit 2, before anything is created", async () => {
    const dir = mkdtempSync(join(tmpdir(), "railyard-cli-"));
    try {
      const f = fakeIo("", {}, dir);
      expect(await run(["serve", "--port", "99999", "--data-dir", join(dir, "data")], f.io)).toBe(2);
      expect(f.err().trim().split("\n")).toHaveLength(1);
      expect(f.err()).toContain("--port");
      expect(await Bun.file(join(dir, "data")).exists()).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("serve --help lists the settings with their environment names", async () => {
    const f = fakeIo();
    expect(await run(["serve", "--help"], f.io)).toBe(0);
    expect(f.out()).toContain("--data-dir");
    expect(f.out()).toContain("RAILYARD_DATA_DIR");
  });
});

describe("railyard users create", () => {
  test("creates a user from a password on stdin, audited as the system, and refuses a duplicate", async () => {
    const dir = mkdtempSync(join(tmpdir(), "railyard-cli-"));
    try {
      const args = ["users", "create", "--email", "Owner@Example.test", "--role", "owner", "--name", "Olga", "--password-stdin", "--data-dir", dir];
      const first = fakeIo("a-long-synthetic-passphrase\n");
      expect(await run(args, first.io)).toBe(0);
      expect(first.out()).toMatch(/^created owner owner@example\.test \(usr_\w+\)\n$/);
      const again = fakeIo("a-long-synthetic-passphrase\n");
      expect(await run(args, again.io)).toBe(1);
      expect(again.err()).toContain("already exists");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test.each([
    [["--email", "a@example.test", "--role", "owner", "--password-stdin"], "short", "12 characters"],
    [["--email", "a@example.test", "--role", "owner", "--password-stdin"], "password1234", "common passwords"],
    [["--email", "not-an-email", "--role", "owner", "--password-stdin"], "a-long-synthetic-passphrase", "email"],
    [["--email", "a@example.test", "--role", "emperor", "--password-stdin"], "a-long-synthetic-passphrase", "role"],
    [["--email", "a@example.test", "--role", "owner"], "a-long-synthetic-passphrase", "--password-stdin"],
    [["--email", "a@example.test", "--role", "owner", "--password", "x"], "", "unknown option --password"],
  ])("refuses %p with a clear message and exit 2", async (extra, stdin, message) => {
    const dir = mkdtempSync(join(tmpdir(), "railyard-cli-"));
    try {
      const f = fakeIo(stdin);
      expect(await run(["users", "create", ...extra, "--data-dir", dir], f.io)).toBe(2);
      expect(f.err()).toContain(message);
      expect(f.err()).not.toContain("a-long-synthetic-passphrase");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
