// Startup. Workload: spawn the compiled binary (`railyard serve`, pinned to CPU 0) on an existing
// data dir and poll GET /healthz from this process (pinned to CPU 1) until it answers 200; then,
// after a second of idleness, read its VmRSS. Baseline in the same run: a compiled Bun.serve hello
// (same compile flags) measured the same way. Several runs alternate the two; prints medians and
// the ratios (targets: first /healthz ≤ 3× the hello, idle RSS ≤ 1.5×).
//
//   bun bench/startup.ts [--runs 7] [--binary PATH]   (without --binary, compiles one to a temp dir)
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { compile } from "../build.ts";

const argv = process.argv.slice(2);
const value = (name: string, fallback: string) => (argv.includes(`--${name}`) ? argv[argv.indexOf(`--${name}`) + 1]! : fallback);
const RUNS = Number(value("runs", "7"));
const IDLE_MS = 1000;
const pin = (cpu: string, cmd: string[]) => (Bun.which("taskset") && navigator.hardwareConcurrency >= 2 ? ["taskset", "-c", cpu, ...cmd] : cmd);

if (Bun.which("taskset") && navigator.hardwareConcurrency >= 2 && !argv.includes("--pinned")) {
  const child = Bun.spawn(["taskset", "-c", "1", process.execPath, import.meta.path, ...argv, "--pinned"], { stdio: ["ignore", "inherit", "inherit"] });
  process.exit(await child.exited);
}

const work = mkdtempSync(join(tmpdir(), "railyard-startup-"));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function freePort(): number {
  const probe = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const port = probe.port;
  probe.stop(true);
  return port;
}

function rssKb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN);
}

/** Spawn → first 200 from /healthz, in ms, and the idle RSS after it, in MB. */
async function measure(cmd: (port: number) => string[]): Promise<{ ms: number; rssMb: number }> {
  const port = freePort();
  const started = performance.now();
  const proc = Bun.spawn(pin("0", cmd(port)), { cwd: work, stdin: "ignore", stdout: "ignore", stderr: "inherit", env: { PATH: process.env.PATH ?? "" } });
  try {
    const deadline = started + 20_000;
    for (;;) {
      if (performance.now() > deadline) throw new Error(`${cmd(port).join(" ")}: no /healthz within 20 s`);
      if (proc.exitCode !== null) throw new Error(`${cmd(port).join(" ")} exited with ${proc.exitCode}`);
      const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.status === 200, () => false);
      if (ok) break;
      await Bun.sleep(1);
    }
    const ms = performance.now() - started;
    await Bun.sleep(IDLE_MS);
    return { ms, rssMb: rssKb(proc.pid) / 1024 };
  } finally {
    proc.kill("SIGTERM");
    const killer = setTimeout(() => proc.kill("SIGKILL"), 5000);
    await proc.exited;
    clearTimeout(killer);
  }
}

try {
  let binary = value("binary", "");
  if (!binary) {
    binary = join(work, "railyard");
    await compile(binary);
  }
  const helloSource = join(work, "hello.ts");
  writeFileSync(helloSource, `Bun.serve({ hostname: "127.0.0.1", port: Number(process.argv[2]), fetch: () => Response.json({ status: "ok" }) });\n`);
  const hello = join(work, "hello");
  const built = await Bun.build({ entrypoints: [helloSource], compile: { outfile: hello, autoloadDotenv: false, autoloadBunfig: false }, bytecode: true, minify: true, sourcemap: "none", target: "bun" });
  if (!built.success) throw new Error("compiling the hello failed");

  const dataDir = join(work, "data");
  const railyard = (port: number) => [binary, "serve", "--data-dir", dataDir, "--host", "127.0.0.1", "--port", String(port), "--log-level", "warn"];
  await measure(railyard); // first start creates the data dir and applies migrations: not counted
  const runs = { railyard: [] as { ms: number; rssMb: number }[], hello: [] as { ms: number; rssMb: number }[] };
  for (let i = 0; i < RUNS; i++) {
    runs.hello.push(await measure((port) => [hello, String(port)]));
    runs.railyard.push(await measure(railyard));
  }
  const ms = (k: keyof typeof runs) => median(runs[k].map((r) => r.ms));
  const rss = (k: keyof typeof runs) => median(runs[k].map((r) => r.rssMb));
  console.log(`workload: spawn → first 200 from GET /healthz, then VmRSS after ${IDLE_MS} ms idle; ${RUNS} alternating runs, medians; servers pinned to CPU 0, poller to CPU 1`);
  console.log(`compiled Bun.serve hello (baseline)   first /healthz ${ms("hello").toFixed(1)} ms   idle RSS ${rss("hello").toFixed(1)} MB   (runs: ${runs.hello.map((r) => r.ms.toFixed(0)).join(", ")} ms)`);
  console.log(`railyard serve (existing data dir)    first /healthz ${ms("railyard").toFixed(1)} ms   idle RSS ${rss("railyard").toFixed(1)} MB   (runs: ${runs.railyard.map((r) => r.ms.toFixed(0)).join(", ")} ms)`);
  console.log(`ratio railyard ÷ hello: first /healthz ${(ms("railyard") / ms("hello")).toFixed(2)}× (target ≤ 3), idle RSS ${(rss("railyard") / rss("hello")).toFixed(2)}× (target ≤ 1.5)`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
