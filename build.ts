// Builds the web app, compiles one executable (dist/railyard) and smoke-tests it: copied alone into
// an empty directory (with a stray .env and bunfig.toml that must be ignored), it must start,
// create its data dir, apply migrations and serve /healthz, /readyz and the web app's index.
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { buildWeb, INITIAL_JS_BUDGET_GZIP_BYTES } from "./scripts/build-web.ts";

const root = import.meta.dir;
const defaultOutfile = join(root, "dist", "railyard");

/** Builds the web app and compiles the executable to `outfile` (dist/railyard by default). */
export async function compile(outfile: string = defaultOutfile): Promise<void> {
  const { jsGzipBytes } = await buildWeb();
  if (jsGzipBytes > INITIAL_JS_BUDGET_GZIP_BYTES) {
    throw new Error(`initial web JavaScript is ${(jsGzipBytes / 1024).toFixed(1)} KB gzipped, over the ${INITIAL_JS_BUDGET_GZIP_BYTES / 1024} KB budget`);
  }
  mkdirSync(dirname(outfile), { recursive: true });
  const started = performance.now();
  const result = await Bun.build({
    entrypoints: [join(root, "src", "main.ts")],
    compile: { outfile, autoloadDotenv: false, autoloadBunfig: false },
    bytecode: true,
    minify: true,
    sourcemap: "none",
    target: "bun",
  });
  if (!result.success) {
    for (const log of result.logs) console.error(log);
    throw new Error("compile failed");
  }
  chmodSync(outfile, 0o755);
  const mb = statSync(outfile).size / 1048576;
  console.log(`binary: ${outfile} (${mb.toFixed(1)} MB, --bytecode) in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

async function waitForUrl(proc: Bun.Subprocess<"ignore", "pipe", "pipe">): Promise<string> {
  const decoder = new TextDecoder();
  let seen = "";
  const reader = proc.stdout.getReader();
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    let timer: Timer | undefined;
    const { value, done } = await Promise.race([
      reader.read(),
      new Promise<{ value: undefined; done: true }>((r) => {
        timer = setTimeout(() => r({ value: undefined, done: true }), deadline - Date.now());
      }),
    ]);
    clearTimeout(timer);
    if (done) break;
    seen += decoder.decode(value, { stream: true });
    const match = /"url":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(seen);
    if (match) {
      reader.releaseLock();
      return match[1]!;
    }
  }
  throw new Error(`the binary did not report a listening URL; output so far:\n${seen}`);
}

/** Runs the binary from an empty directory elsewhere and checks the appliance works. */
export async function smokeTest(binary: string): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "railyard-smoke-"));
  try {
    const copy = join(dir, "railyard");
    copyFileSync(binary, copy);
    chmodSync(copy, 0o755);
    // Stray files a real directory may hold: the binary must not read them.
    writeFileSync(join(dir, ".env"), "RAILYARD_PORT=1\nRAILYARD_LOG_LEVEL=nonsense\n");
    writeFileSync(join(dir, "bunfig.toml"), 'preload = ["./does-not-exist.ts"]\n');
    // No usable temp dir (read-only root filesystem, noexec /tmp): the binary must not need one.
    const env = { PATH: process.env.PATH ?? "", TMPDIR: join(dir, "no-such-tmp") };
    const version = Bun.spawnSync([copy, "--version"], { cwd: dir, env });
    if (version.exitCode !== 0 || !version.stdout.toString().startsWith("railyard ")) throw new Error("--version failed");
    const proc = Bun.spawn([copy, "serve", "--port", "0"], { cwd: dir, stdout: "pipe", stderr: "pipe", stdin: "ignore", env });
    try {
      const url = await waitForUrl(proc);
      const health = await fetch(`${url}/healthz`);
      if (health.status !== 200 || (await health.json()).status !== "ok") throw new Error("/healthz failed");
      const ready = await fetch(`${url}/readyz`);
      if (ready.status !== 200) throw new Error("/readyz failed");
      const index = await fetch(`${url}/`);
      const html = await index.text();
      if (index.status !== 200 || !html.includes('<div id="app">')) throw new Error("the web app's index was not served");
      const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
      if (!script || (await fetch(url + script)).status !== 200) throw new Error("the web app's script was not served");
      const mode = statSync(join(dir, "railyard-data")).mode & 0o777;
      if (mode !== 0o700) throw new Error(`data dir mode is ${mode.toString(8)}, expected 700`);
      proc.kill("SIGTERM");
      const code = await proc.exited;
      if (code !== 0) throw new Error(`the binary exited ${code} after SIGTERM, expected 0`);
      console.log(`smoke test: ok (${url}: /healthz, /readyz, /, ${script}; data dir 0700; clean exit on SIGTERM)`);
    } finally {
      if (proc.exitCode === null) proc.kill("SIGKILL");
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.main) {
  await compile();
  await smokeTest(defaultOutfile);
}
