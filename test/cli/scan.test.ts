import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Io } from "../../src/cli/io.ts";
import { scanCommand } from "../../src/cli/scan.ts";

const dir = mkdtempSync(join(tmpdir(), "railyard-scan-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  /** How many chunks stdin had handed out before the first stdout write (to observe streaming). */
  chunksBeforeFirstOutput: number | undefined;
}

async function run(argv: string[], stdin: string | string[] = ""): Promise<Run> {
  const chunks = (Array.isArray(stdin) ? stdin : [stdin]).map((s) => new TextEncoder().encode(s));
  let pulled = 0;
  let chunksBeforeFirstOutput: number | undefined;
  let stdout = "";
  let stderr = "";
  const io: Io = {
    stdout: (t) => {
      chunksBeforeFirstOutput ??= pulled;
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
    stdin: () =>
      new ReadableStream<Uint8Array>({
        pull(controller) {
          const next = chunks[pulled];
          if (next === undefined) controller.close();
          else {
            pulled++;
            controller.enqueue(next);
          }
        },
      }),
    env: {},
    cwd: dir,
  };
  const code = await scanCommand(argv, io);
  return { code, stdout, stderr, chunksBeforeFirstOutput };
}

const AWS = "AKIASYNTHETIC2345672";

describe("railyard scan (text)", () => {
  test("clean stdin exits 0 and prints nothing", async () => {
    expect(await run([], "tests passed: 42\nbranch feature/login\n")).toEqual({ code: 0, stdout: "", stderr: "", chunksBeforeFirstOutput: undefined });
  });

  test("findings print LINE:COLUMN kind (category), exit 1, and never the value", async () => {
    const r = await run([], `ok\nmail ann@example.com\n  key ${AWS}\n`);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("2:6 email (pii)\n3:7 aws_access_key_id (secret)\n");
    expect(r.stdout).not.toContain("ann@");
    expect(r.stdout).not.toContain(AWS);
  });

  test("columns count code points, so emoji before a finding count once", async () => {
    const r = await run([], "🚀 ann@example.com");
    expect(r.stdout).toBe("1:3 email (pii)\n");
  });

  test("reads a FILE relative to the working directory, and '-' as stdin", async () => {
    writeFileSync(join(dir, "log.txt"), `deploy\nssn 123-45-6789\n`);
    expect(await run(["log.txt"])).toMatchObject({ code: 1, stdout: "2:5 us_ssn (pii)\n" });
    expect(await run(["-"], "ssn 123-45-6789")).toMatchObject({ code: 1, stdout: "1:5 us_ssn (pii)\n" });
  });

  test("a missing file, a directory, an unknown option or two files exit 2 with one line on stderr", async () => {
    mkdirSync(join(dir, "sub"), { recursive: true });
    for (const argv of [["missing.txt"], ["sub"], ["--nope"], ["a.txt", "b.txt"]]) {
      const r = await run(argv);
      expect({ argv, code: r.code, stdout: r.stdout }).toEqual({ argv, code: 2, stdout: "" });
      expect(r.stderr).toMatch(/^railyard scan: .+\n$/);
    }
  });

  test("--help prints usage and exits 0", async () => {
    const r = await run(["--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("railyard scan --jsonl");
  });
});

describe("railyard scan --jsonl", () => {
  test("writes one result per input line with kind, category and offsets", async () => {
    const input = [JSON.stringify({ id: "a", text: "all good" }), JSON.stringify({ id: "b", text: `key ${AWS}` })].join("\n") + "\n";
    const r = await run(["--jsonl"], input);
    expect(r.code).toBe(1);
    expect(r.stdout.trimEnd().split("\n").map((l) => JSON.parse(l))).toEqual([
      { id: "a", findings: [] },
      { id: "b", findings: [{ kind: "aws_access_key_id", category: "secret", start: 4, end: 24 }] },
    ]);
  });

  test("exits 0 when every line is clean, skipping blank lines", async () => {
    const r = await run(["--jsonl"], `{"id":"1","text":"ok"}\n\n{"id":2,"text":"v1.2.3"}\n`);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('{"id":"1","findings":[]}\n{"id":2,"findings":[]}\n');
  });

  test("malformed lines get an error line with the id when known, the rest still run, exit 2", async () => {
    const input = ['not json', '{"id":"x"}', '["array"]', `{"id":"y","text":"ann@example.com"}`].join("\n");
    const r = await run(["--jsonl"], input);
    expect(r.code).toBe(2);
    const out = r.stdout.trimEnd().split("\n").map((l) => JSON.parse(l));
    expect(out.map((o) => o.id)).toEqual([null, "x", null, "y"]);
    expect(out.slice(0, 3).every((o) => typeof o.error === "string")).toBe(true);
    expect(out[3].findings[0].kind).toBe("email");
  });

  test("streams: the first result is written before the rest of the input is read", async () => {
    const chunks = Array.from({ length: 10 }, (_, i) => `{"id":"${i}","text":"ok"}\n`);
    const r = await run(["--jsonl"], chunks);
    expect(r.code).toBe(0);
    expect(r.stdout.split("\n").length - 1).toBe(10);
    // The stream may read one chunk ahead; it must not have read the whole input first.
    expect(r.chunksBeforeFirstOutput).toBeLessThanOrEqual(2);
  });

  test("reads JSONL from a FILE", async () => {
    writeFileSync(join(dir, "batch.jsonl"), `{"id":"f","text":"ip 10.2.3.4"}\n`);
    const r = await run(["--jsonl", "batch.jsonl"]);
    expect(r).toMatchObject({ code: 1, stdout: '{"id":"f","findings":[{"kind":"ipv4","category":"pii","start":3,"end":11}]}\n' });
  });
});
