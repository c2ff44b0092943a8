// Sign-in timing and scope classification. Run: bun bench/auth.ts
// 1. Login: median time of a wrong password for a real account versus an unknown email, through the
//    real login verb (bcrypt cost 12 each way). The ratio should be close to 1: timing must not tell
//    whether an account exists. Baseline: one bare bcrypt verify in the same run.
// 2. Scope: classifyPath over a 40-module manifest for 200 paths, versus the same paths tested
//    against the same globs translated to one RegExp each (a naive implementation), same run.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createServices } from "../src/app.ts";
import { extractFlags, loadConfig } from "../src/config.ts";
import { withActor } from "../src/core/context.ts";
import { createModule } from "../src/core/project/create-module.ts";
import { createProject } from "../src/core/project/create-project.ts";
import { classifyPath, scopeManifest } from "../src/core/scope/manifest.ts";
import { transact } from "../src/core/transact.ts";
import { insertUser } from "../src/core/user/create-user.ts";
import { login } from "../src/core/user/login.ts";
import { hashPassword, verifyPassword } from "../src/core/user/password.ts";
import { createLogger } from "../src/logger.ts";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 12);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const dir = mkdtempSync(join(tmpdir(), "railyard-bench-auth-"));
const config = loadConfig(extractFlags(["--data-dir", dir]).flags, {}, dir);
const { services } = await createServices({ config, logger: createLogger("silent") });
const system = withActor(services, { kind: "system" });
const passwordHash = await hashPassword("the-real-password-123");
// One account per round, so the per-account throttle never kicks in during the measurement.
for (let i = 0; i < ROUNDS; i++) await transact(system, (tx, record) => insertUser(tx, record, Date.now(), { email: `real${i}@example.test`, name: "Real", role: "developer", passwordHash }));

async function time(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn().catch(() => undefined);
  return performance.now() - start;
}

const wrong: number[] = [];
const unknown: number[] = [];
const bare: number[] = [];
for (let i = 0; i < ROUNDS; i++) {
  // A distinct address per attempt keeps the throttle out of the measurement.
  wrong.push(await time(() => login({ ctx: system, input: { email: `real${i}@example.test`, password: `wrong-${i}-password` }, clientAddress: `10.0.0.${i}` })));
  unknown.push(await time(() => login({ ctx: system, input: { email: `ghost${i}@example.test`, password: `wrong-${i}-password` }, clientAddress: `10.0.1.${i}` })));
  bare.push(await time(() => verifyPassword("x", passwordHash)));
}
console.log(`login, wrong password:  median ${median(wrong).toFixed(1)} ms`);
console.log(`login, unknown email:   median ${median(unknown).toFixed(1)} ms`);
console.log(`bare bcrypt verify:     median ${median(bare).toFixed(1)} ms (baseline)`);
console.log(`ratio unknown/wrong: ${(median(unknown) / median(wrong)).toFixed(3)}; wrong/bare: ${(median(wrong) / median(bare)).toFixed(3)}`);

const { id: projectId } = await createProject({ ctx: system, input: { slug: "big", name: "Big", protectedGlobs: ["vendor/**", "**/*.generated.ts"] } });
const globsOf = (i: number) => [`src/mod${i}/**`, `packages/mod${i}/src/**/*.ts`, `**/mod${i}-fixtures/`];
for (let i = 0; i < 40; i++) await createModule({ ctx: system, input: { projectSlug: "big", name: `mod${i}`, globs: globsOf(i), access: i % 5 === 0 ? { developer: "excluded" } : i % 3 === 0 ? { developer: "read_only" } : {} } });
const manifest = await scopeManifest(services.store.read, { projectId, role: "developer" });
const paths = Array.from({ length: 200 }, (_, i) => i % 4 === 0 ? `packages/mod${i % 40}/src/deep/nested/file${i}.ts` : i % 4 === 1 ? `src/mod${i % 40}/a/b/c${i}.ts` : i % 4 === 2 ? `docs/readme${i}.md` : `lib/x/mod${i % 40}-fixtures/data.json`);

function toRegExp(glob: string): RegExp {
  let body = glob.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*\*\//g, "\u0000").replace(/\*\*/g, ".*").replace(/\*/g, "[^/]*").replace(/\?/g, "[^/]").replace(/\u0000/g, "(?:.*/)?");
  if (!glob.includes("/") || glob.indexOf("/") === glob.length - 1) body = "(?:.*/)?" + body;
  return new RegExp(`^${body.replace(/\/$/, "")}(?:/.*)?$`);
}
const allGlobs = [...manifest.editable, ...manifest.readOnly, ...Array.from({ length: 40 }, (_, i) => globsOf(i)).flat()];
const regexps = allGlobs.map(toRegExp);

const N = 200;
let t = performance.now();
for (let r = 0; r < N; r++) for (const p of paths) classifyPath(manifest, p);
const ours = (performance.now() - t) / N;
t = performance.now();
let hits = 0;
for (let r = 0; r < N; r++) for (const p of paths) for (const re of regexps) if (re.test(p)) hits++;
const naive = (performance.now() - t) / N;
console.log(`classify 200 paths (40 modules, ${allGlobs.length} globs): ${ours.toFixed(3)} ms per call; naive RegExp scan: ${naive.toFixed(3)} ms (baseline); ratio ${(ours / naive).toFixed(2)} (${hits > 0 ? "ok" : "no hits"})`);

await services.store.close();
rmSync(dir, { recursive: true, force: true });
