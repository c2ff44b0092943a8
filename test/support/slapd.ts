// A private OpenLDAP server (Debian's slapd) for tests: its own config, database and ports in a
// temporary directory, a small synthetic directory, and a test CA made with openssl whose server
// certificate (for 127.0.0.1) serves LDAPS and StartTLS. Nothing is shared with a system slapd.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const SLAPD = "/usr/sbin/slapd";
export const HAS_SLAPD = existsSync(SLAPD) && existsSync("/usr/sbin/slapadd") && existsSync("/usr/bin/openssl");

export const BASE_DN = "dc=example,dc=test";
export const SERVICE_DN = `cn=railyard,ou=services,${BASE_DN}`;
export const ROOT_DN = `cn=admin,${BASE_DN}`;

export interface TestSlapd {
  readonly ldapUrl: string;
  readonly ldapsUrl: string;
  readonly caFile: string;
  /** A CA that did not sign the server's certificate. */
  readonly otherCaFile: string;
  readonly servicePassword: string;
  readonly rootPassword: string;
  stop(): Promise<void>;
}

async function run(argv: string[], cwd: string): Promise<void> {
  const child = Bun.spawn(argv, { cwd, stdout: "pipe", stderr: "pipe" });
  const code = await child.exited;
  if (code !== 0) throw new Error(`${argv[0]} exited ${code}: ${(await new Response(child.stderr).text()).slice(0, 500)}`);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/** `people` are uid → { name, mail, password, groups }; groups are created as groupOfNames under ou=groups. */
export async function startTestSlapd(people: Record<string, { name: string; mail: string; password: string; groups: string[] }>): Promise<TestSlapd> {
  const dir = mkdtempSync(join(tmpdir(), "railyard-slapd-"));
  mkdirSync(join(dir, "db"));
  const ssl = (args: string[]) => run(["/usr/bin/openssl", ...args], dir);
  await ssl(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=Railyard Test CA"]);
  await ssl(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "other-ca.key", "-out", "other-ca.pem", "-days", "2", "-subj", "/CN=Some Other CA"]);
  await ssl(["req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=127.0.0.1"]);
  writeFileSync(join(dir, "ext.cnf"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
  await ssl(["x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out", "server.pem", "-days", "2", "-extfile", "ext.cnf"]);

  const servicePassword = `service-${crypto.randomUUID()}`;
  const rootPassword = `root-${crypto.randomUUID()}`;
  writeFileSync(join(dir, "slapd.conf"), [
    "include /etc/ldap/schema/core.schema",
    "include /etc/ldap/schema/cosine.schema",
    "include /etc/ldap/schema/inetorgperson.schema",
    "modulepath /usr/lib/ldap",
    "moduleload back_mdb",
    `pidfile ${join(dir, "slapd.pid")}`,
    `TLSCACertificateFile ${join(dir, "ca.pem")}`,
    `TLSCertificateFile ${join(dir, "server.pem")}`,
    `TLSCertificateKeyFile ${join(dir, "server.key")}`,
    "database mdb",
    `suffix "${BASE_DN}"`,
    `rootdn "${ROOT_DN}"`,
    `rootpw ${rootPassword}`,
    `directory ${join(dir, "db")}`,
    "access to attrs=userPassword by anonymous auth by self write by * none",
    `access to * by dn.exact="${SERVICE_DN}" read by self read by * none`,
    "",
  ].join("\n"));

  const groups = new Map<string, string[]>();
  const entries = [
    `dn: ${BASE_DN}\nobjectClass: dcObject\nobjectClass: organization\no: Example\ndc: example`,
    `dn: ou=people,${BASE_DN}\nobjectClass: organizationalUnit\nou: people`,
    `dn: ou=services,${BASE_DN}\nobjectClass: organizationalUnit\nou: services`,
    `dn: ou=groups,${BASE_DN}\nobjectClass: organizationalUnit\nou: groups`,
    `dn: ${SERVICE_DN}\nobjectClass: person\ncn: railyard\nsn: railyard\nuserPassword: ${servicePassword}`,
  ];
  for (const [uid, p] of Object.entries(people)) {
    const dn = `uid=${uid},ou=people,${BASE_DN}`;
    entries.push(`dn: ${dn}\nobjectClass: inetOrgPerson\nuid: ${uid}\ncn: ${p.name}\nsn: ${p.name.split(" ").at(-1)}\nmail: ${p.mail}\nuserPassword: ${p.password}`);
    for (const g of p.groups) groups.set(g, [...(groups.get(g) ?? []), dn]);
  }
  for (const [cn, members] of groups) entries.push(`dn: cn=${cn},ou=groups,${BASE_DN}\nobjectClass: groupOfNames\ncn: ${cn}\n${members.map((m) => `member: ${m}`).join("\n")}`);
  writeFileSync(join(dir, "data.ldif"), entries.join("\n\n") + "\n");
  await run(["/usr/sbin/slapadd", "-f", join(dir, "slapd.conf"), "-l", join(dir, "data.ldif")], dir);

  const [ldapPort, ldapsPort] = [await freePort(), await freePort()];
  const ldapUrl = `ldap://127.0.0.1:${ldapPort}`;
  const ldapsUrl = `ldaps://127.0.0.1:${ldapsPort}`;
  // -d 0 keeps slapd in the foreground (a child of this test, ended by stop()).
  const slapd = Bun.spawn([SLAPD, "-f", join(dir, "slapd.conf"), "-h", `${ldapUrl}/ ${ldapsUrl}/`, "-d", "0"], { cwd: dir, stdout: "ignore", stderr: "pipe" });
  const deadline = Date.now() + 10_000;
  for (;;) {
    const up = await new Promise<boolean>((resolve) => {
      const socket = Bun.connect({ hostname: "127.0.0.1", port: ldapsPort, socket: { open(s) { s.end(); resolve(true); }, error() { resolve(false); }, data() {}, connectError() { resolve(false); } } }).catch(() => resolve(false));
      void socket;
    });
    if (up) break;
    if (slapd.exitCode !== null || Date.now() > deadline) {
      throw new Error(`slapd did not start: ${(await new Response(slapd.stderr).text()).slice(0, 500)}`);
    }
    await Bun.sleep(100);
  }
  return {
    ldapUrl, ldapsUrl, caFile: join(dir, "ca.pem"), otherCaFile: join(dir, "other-ca.pem"), servicePassword, rootPassword,
    async stop() {
      slapd.kill();
      await slapd.exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

