// A private PostgreSQL cluster for tests and benchmarks: initdb in a temporary directory, on a
// free loopback port, stopped (and removed) afterwards. Uses Debian's `postgresql` binaries
// (/usr/lib/postgresql/<version>/bin). As root it runs them as the `postgres` user (initdb
// refuses root). fsync stays on unless asked: the suite tests durability too.
import { appendFileSync, chmodSync, copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface Cluster {
  /** postgres://railyard@127.0.0.1:<port>/postgres (trust authentication, loopback only). */
  readonly url: string;
  readonly port: number;
  readonly dir: string;
  /** pg_ctl with the cluster's data directory (for restart tests). */
  ctl(action: "start" | "stop" | "restart", mode?: "fast" | "immediate"): void;
  stop(): void;
}

function binDir(): string {
  const root = "/usr/lib/postgresql";
  const versions = existsSync(root) ? readdirSync(root).filter((v) => existsSync(join(root, v, "bin", "initdb"))).sort((a, b) => Number(b) - Number(a)) : [];
  if (versions.length === 0) throw new Error("PostgreSQL is not installed: apt-get install postgresql (the .ci/run script does)");
  return join(root, versions[0]!, "bin");
}

export async function freePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

export interface ClusterOptions {
  fsync?: boolean;
  /** Serve TLS with this certificate and key, and accept TCP connections only over TLS with a password. */
  tls?: { certFile: string; keyFile: string; password: string };
}

export async function startCluster(options: ClusterOptions = {}): Promise<Cluster> {
  const bin = binDir();
  const dir = mkdtempSync(join(tmpdir(), "railyard-pg-"));
  chmodSync(dir, 0o777);
  const asPostgres = process.getuid?.() === 0 ? ["runuser", "-u", "postgres", "--"] : [];
  const run = (args: string[]) => {
    const out = Bun.spawnSync([...asPostgres, ...args], { stdout: "pipe", stderr: "pipe" });
    if (out.exitCode !== 0) throw new Error(`${args[0]} failed: ${out.stderr.toString().trim()}`);
  };
  const data = join(dir, "data");
  run([join(bin, "initdb"), "-D", data, "-A", "trust", "-U", "railyard", "--no-sync", "--locale=C", "-E", "UTF8"]);
  if (options.tls) {
    for (const [from, to] of [[options.tls.certFile, "server.crt"], [options.tls.keyFile, "server.key"]] as const) {
      copyFileSync(from, join(data, to));
      chmodSync(join(data, to), 0o600);
      if (asPostgres.length > 0) Bun.spawnSync(["chown", "postgres", join(data, to)]);
    }
    appendFileSync(join(data, "postgresql.conf"), "ssl = on\nssl_cert_file = 'server.crt'\nssl_key_file = 'server.key'\npassword_encryption = 'scram-sha-256'\n");
    writeFileSync(join(data, "pg_hba.conf"), "local all all trust\nhostssl all all 127.0.0.1/32 scram-sha-256\nhost all all 127.0.0.1/32 reject\n");
  }
  const port = await freePort();
  const serverOptions = [
    `-p ${port}`, "-c listen_addresses=127.0.0.1", `-k ${dir}`, "-c max_connections=300", "-c shared_buffers=64MB",
    options.fsync === false ? "-c fsync=off -c synchronous_commit=off -c full_page_writes=off" : "",
  ].join(" ");
  const ctl = (action: "start" | "stop" | "restart", mode: "fast" | "immediate" = "fast") =>
    run([join(bin, "pg_ctl"), "-D", data, "-w", "-l", join(dir, "log"), "-m", mode, ...(action === "stop" ? [] : ["-o", serverOptions]), action]);
  ctl("start");
  if (options.tls) {
    // Over the private socket (trust): the password TCP clients must give.
    const psqlOut = Bun.spawnSync(["psql", "-X", "-q", "-h", dir, "-p", String(port), "-U", "railyard", "-d", "postgres", "-c", `ALTER USER railyard PASSWORD '${options.tls.password.replaceAll("'", "''")}'`], { stdout: "pipe", stderr: "pipe" });
    if (psqlOut.exitCode !== 0) throw new Error(`setting the password failed: ${psqlOut.stderr.toString().trim()}`);
  }
  let stopped = false;
  return {
    url: options.tls ? `postgres://railyard:${encodeURIComponent(options.tls.password)}@127.0.0.1:${port}/postgres` : `postgres://railyard@127.0.0.1:${port}/postgres`,
    port,
    dir,
    ctl,
    stop() {
      if (stopped) return;
      stopped = true;
      try {
        ctl("stop", "immediate");
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

// `bun scripts/pg-cluster.ts -- <command…>`: runs the command with RAILYARD_TEST_DATABASE_URL set
// to a fresh cluster, then stops it (npm run test:postgres).
if (import.meta.main) {
  // Bun may keep or drop the "--" before the command: take what follows it, or everything.
  const dash = process.argv.indexOf("--");
  const command = dash >= 0 ? process.argv.slice(dash + 1) : process.argv.slice(2);
  if (command.length === 0) {
    console.error("usage: bun scripts/pg-cluster.ts -- <command> [args…]");
    process.exit(2);
  }
  // The test suite tests what users get: fsync off would only hide slow commits, so it stays on.
  const cluster = await startCluster();
  let code = 1;
  try {
    const child = Bun.spawn(command, { stdio: ["inherit", "inherit", "inherit"], env: { ...process.env, RAILYARD_TEST_DATABASE_URL: cluster.url } });
    code = await child.exited;
  } finally {
    cluster.stop();
  }
  process.exit(code);
}
