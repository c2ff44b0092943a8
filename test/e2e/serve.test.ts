// Starts `railyard serve` as a real process from an empty directory and stops it with a signal.
import { describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const main = join(import.meta.dir, "../../src/main.ts");

async function startServer(cwd: string, args: string[] = []) {
  const proc = Bun.spawn([process.execPath, main, "serve", "--port", "0", ...args], { cwd, stdout: "pipe", stderr: "pipe", env: { PATH: process.env.PATH ?? "" } });
  const reader = proc.stdout.getReader();
  let out = "";
  const decoder = new TextDecoder();
  while (!/"url":"(http[^"]+)"[\s\S]*(setup#token=|\n\{)/.test(out) && !/"url":"[^"]+"[\s\S]*\n/.test(out)) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`server exited early: ${out} ${await new Response(proc.stderr).text()}`);
    out += decoder.decode(value);
  }
  const url = /"url":"(http[^"]+)"/.exec(out)![1]!;
  const rest = (async () => {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return out;
      out += decoder.decode(value);
    }
  })();
  return { proc, url, output: () => out, drained: rest, stderr: new Response(proc.stderr).text() };
}

describe("railyard serve (real process, on the embedded SQLite database)", () => {
  test("first start creates the data dir, prints a one-time setup link, serves, and stops cleanly on SIGTERM", async () => {
    const dir = mkdtempSync(join(tmpdir(), "railyard-e2e-"));
    try {
      const server = await startServer(dir);
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
      expect((statSync(join(dir, "railyard-data")).mode & 0o777).toString(8)).toBe("700");
      server.proc.kill("SIGTERM");
      expect(await server.proc.exited).toBe(0);
      const output = await server.drained;
      // The link goes to stderr, never into the JSON log stream on stdout.
      expect(await server.stderr).toMatch(/\/setup#token=[\w-]{40,}/);
      expect(output).not.toContain("setup#token=");
      expect(output).toContain('"msg":"stopped"');
      // A clean close checkpoints the write-ahead log into the database file.
      const wal = join(dir, "railyard-data", "railyard.sqlite-wal");
      expect(!existsSync(wal) || statSync(wal).size === 0).toBe(true);
      await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("SIGINT also exits 0, and a second start prints no new setup link once an owner exists", async () => {
    const dir = mkdtempSync(join(tmpdir(), "railyard-e2e-"));
    try {
      const create = Bun.spawnSync([process.execPath, main, "users", "create", "--email", "o@example.test", "--role", "owner", "--password-stdin"], {
        cwd: dir,
        stdin: new Blob(["a-long-synthetic-passphrase"]),
        env: { PATH: process.env.PATH ?? "" },
      });
      expect(create.exitCode).toBe(0);
      const server = await startServer(dir);
      server.proc.kill("SIGINT");
      expect(await server.proc.exited).toBe(0);
      expect(await server.drained).not.toContain("setup#token=");
      expect(await server.stderr).not.toContain("setup#token=");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("refuses to start on a data dir writable by others, with one clear line and exit 2", async () => {
    const dir = mkdtempSync(join(tmpdir(), "railyard-e2e-"));
    try {
      const data = join(dir, "data");
      Bun.spawnSync(["mkdir", "-m", "777", data]);
      const result = Bun.spawnSync([process.execPath, main, "serve", "--data-dir", data], { cwd: dir, env: { PATH: process.env.PATH ?? "" } });
      expect(result.exitCode).toBe(2);
      expect(result.stderr.toString()).toContain("writable by group or others");
      expect(result.stderr.toString().trim().split("\n")).toHaveLength(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("graceful shutdown (on the embedded SQLite database)", () => {
  test("a request in flight when SIGTERM arrives still gets its answer, then the process exits 0", async () => {
    const dir = mkdtempSync(join(tmpdir(), "railyard-e2e-"));
    try {
      const server = await startServer(dir);
      const { port } = new URL(server.url);
      const body = JSON.stringify({ email: "nobody@example.test", password: "not-the-password-1234" });
      let answer = "";
      let closed!: () => void;
      const done = new Promise<void>((r) => (closed = r));
      const socket = await Bun.connect({
        hostname: "127.0.0.1",
        port: Number(port),
        socket: {
          data(_s, chunk) {
            answer += chunk.toString();
          },
          close() {
            closed();
          },
        },
      });
      // Headers and half the body now; the rest after the signal, so the request is in flight.
      socket.write(`POST /api/auth/login HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/json\r\nSec-Fetch-Site: same-origin\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`);
      socket.write(body.slice(0, 10));
      await Bun.sleep(200);
      server.proc.kill("SIGTERM");
      await Bun.sleep(300);
      socket.write(body.slice(10));
      await done;
      expect(answer).toMatch(/^HTTP\/1\.1 401/);
      expect(await server.proc.exited).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
