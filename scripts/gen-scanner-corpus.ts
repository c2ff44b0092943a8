// Generates test/fixtures/scanner-corpus.jsonl: a labelled corpus for the PII/secret scanner.
//
//   bun scripts/gen-scanner-corpus.ts            (writes the fixture)
//
// Deterministic (seeded PRNG) and synthetic: every value is built from public format facts
// (prefixes, alphabets, lengths, check digits) with random bodies and freshly computed checksums.
// Nothing here is, or was ever, a real credential or a real person's data. US phone numbers use the
// reserved 555-01xx range; IPs lean on documentation and private ranges; emails use example domains.
// The generator shares no code with src/scanner, so checksums are computed independently here.
import { parsePhoneNumberFromString, type CountryCode } from "libphonenumber-js/max";
import examples from "libphonenumber-js/examples.mobile.json";
import { crc32 } from "../src/lib/crc32.ts";
import { encodeBase62Uint } from "../src/lib/base62.ts";
import { formatPluginKey } from "../src/lib/plugin-key-format.ts";

const SEED = 0x5eed2026;
const PER_KIND = 60;
const OUT = new URL("../test/fixtures/scanner-corpus.jsonl", import.meta.url);

// ---------- deterministic randomness ----------
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = mulberry32(SEED);
const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
const DIGITS = "0123456789";
const HEX = "0123456789abcdef";
const UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const LOWER = "abcdefghijklmnopqrstuvwxyz";
const ALNUM = DIGITS + UPPER + LOWER;
const B64URL = ALNUM + "-_";
const B64 = UPPER + LOWER + DIGITS + "+/";
const str = (alphabet: string, n: number) => Array.from({ length: n }, () => pick(alphabet.split(""))).join("");
const bytes = (n: number) => Uint8Array.from({ length: n }, () => int(0, 255));
const b64 = (b: Uint8Array) => Buffer.from(b).toString("base64");
const b64url = (s: string) => Buffer.from(s).toString("base64url");

// ---------- context: realistic metadata around a value ----------
const MODULES = ["billing", "auth", "api", "web", "scheduler", "ingest", "search", "payments", "notifications"];
const FILES = ["src/billing/invoice.ts", "src/auth/session.ts", "packages/api/src/routes/users.ts", "web/src/pages/runs.tsx", "scripts/deploy.sh", "config/settings.yaml", "internal/db/migrate.go", "app/models/user.rb"];
const path = () => pick(FILES);
const sha = () => str(HEX, 40);
const shortSha = () => str(HEX, int(7, 12));
const ticket = () => `${pick(["RY", "OPS", "BILL", "WEB"])}-${int(10, 9999)}`;
const iso = () =>
  `20${int(23, 26)}-${String(int(1, 12)).padStart(2, "0")}-${String(int(1, 28)).padStart(2, "0")}T${String(int(0, 23)).padStart(2, "0")}:${String(int(0, 59)).padStart(2, "0")}:${String(int(0, 59)).padStart(2, "0")}${pick(["Z", ".123Z", "+02:00", ""])}`;
const semver = () => `${int(0, 20)}.${int(0, 40)}.${int(0, 99)}${pick(["", "", `-beta.${int(1, 9)}`, `-rc.${int(1, 5)}`, `+build.${int(1, 999)}`])}`;
const uuid = () => `${str(HEX, 8)}-${str(HEX, 4)}-4${str(HEX, 3)}-${pick(["8", "9", "a", "b"])}${str(HEX, 3)}-${str(HEX, 12)}`;
const duration = () => pick([`${int(1, 9999)}ms`, `${int(1, 59)}.${int(0, 99)}s`, `${int(1, 59)}m ${int(1, 59)}s`, `${int(0, 2)}h${int(1, 59)}m`, `00:${String(int(0, 59)).padStart(2, "0")}:${String(int(0, 59)).padStart(2, "0")}`]);

const POSITIVE_CONTEXTS: readonly ((v: string) => string)[] = [
  (v) => `fix(${pick(MODULES)}): remove hard-coded ${v} from ${path()}`,
  (v) => `chore: rotate credentials after ${v} appeared in CI output (${ticket()})`,
  (v) => `Build failed at ${iso()}\n  at connect (${path()}:${int(1, 400)}:${int(1, 80)})\n  value ${v} rejected\nexit code 1`,
  (v) => `npm ERR! request to registry failed, reason: ${v}\nnpm ERR! A complete log of this run can be found in: /tmp/npm-${int(1000, 9999)}.log`,
  (v) => `Summary: migrated ${pick(MODULES)} config; the old value was ${v}. Tests: ${int(10, 400)} passed, 0 failed in ${duration()}.`,
  (v) => `{"status":"failed","step":"deploy","detail":"auth rejected for ${v}","exit_code":${int(1, 2)}}`,
  (v) => `${v}`,
  (v) => `Note for reviewers: ${v} was used during local testing on branch feature/${ticket().toLowerCase()}-cleanup`,
  (v) => `[${iso()}] WARN ${pick(MODULES)}: retrying with ${v} (attempt ${int(2, 5)}/5)`,
  (v) => `log tail: ...${str(LOWER, 6)} ok\n${v}\n${int(3, 300)} tests passed`,
];
const positive = (v: string) => pick(POSITIVE_CONTEXTS)(v);

// ---------- value generators ----------
function luhnComplete(prefix: string, length: number): string {
  let body = prefix + str(DIGITS, length - prefix.length - 1);
  for (let check = 0; check <= 9; check++) if (luhn(body + check)) return body + check;
  throw new Error("unreachable");
}
function luhn(d: string): boolean {
  let sum = 0;
  for (let i = 0; i < d.length; i++) {
    let n = Number(d[d.length - 1 - i]);
    if (i % 2 === 1) n = n * 2 > 9 ? n * 2 - 9 : n * 2;
    sum += n;
  }
  return sum % 10 === 0;
}
function groupCard(d: string, sep: string): string {
  if (sep === "") return d;
  const sizes = d.length === 15 ? [4, 6, 5] : d.length === 14 ? [4, 6, 4] : [4, 4, 4, 4, 3].slice(0, Math.ceil(d.length / 4));
  const parts: string[] = [];
  let i = 0;
  for (const s of sizes) {
    if (i >= d.length) break;
    parts.push(d.slice(i, i + s));
    i += s;
  }
  return parts.join(sep);
}
function card(valid = true): string {
  const [prefix, len] = pick([["4", 16], ["51", 16], ["55", 16], ["2221", 16], ["34", 15], ["37", 15], ["6011", 16], ["3530", 16], ["36", 14], ["4", 13]] as const);
  let d = luhnComplete(prefix, len);
  if (!valid) d = d.slice(0, -1) + String((Number(d.at(-1)) + int(1, 9)) % 10);
  return groupCard(d, pick(["", " ", "-", " "]));
}

const IBAN_BBAN: Record<string, () => string> = {
  DE: () => str(DIGITS, 18),
  GB: () => str(UPPER, 4) + str(DIGITS, 14),
  FR: () => str(DIGITS, 10) + str(UPPER + DIGITS, 11) + str(DIGITS, 2),
  NL: () => str(UPPER, 4) + str(DIGITS, 10),
  ES: () => str(DIGITS, 20),
  IT: () => str(UPPER, 1) + str(DIGITS, 10) + str(UPPER + DIGITS, 12),
  BE: () => str(DIGITS, 12),
  CH: () => str(DIGITS, 5) + str(UPPER + DIGITS, 12),
  PL: () => str(DIGITS, 24),
  SE: () => str(DIGITS, 20),
  NO: () => str(DIGITS, 11),
};
function mod97(s: string): number {
  let rem = 0;
  for (const ch of s) rem = Number(String(rem) + (/[A-Z]/.test(ch) ? String(ch.charCodeAt(0) - 55) : ch)) % 97;
  return rem;
}
function iban(valid = true): string {
  const cc = pick(Object.keys(IBAN_BBAN));
  const bban = IBAN_BBAN[cc]!();
  let check = 98 - mod97(bban + cc + "00");
  if (!valid) check = ((check + int(1, 40)) % 97) + 2;
  const compact = cc + String(check).padStart(2, "0") + bban;
  return rand() < 0.5 ? compact : compact.match(/.{1,4}/g)!.join(" ");
}

function ssn(): string {
  let area = int(1, 899);
  if (area === 666) area = 667;
  const sep = rand() < 0.85 ? "-" : " ";
  return `${String(area).padStart(3, "0")}${sep}${String(int(1, 99)).padStart(2, "0")}${sep}${String(int(1, 9999)).padStart(4, "0")}`;
}
function invalidSsn(): string {
  const s = `${String(int(1, 665)).padStart(3, "0")}-${String(int(1, 99)).padStart(2, "0")}-${String(int(1, 9999)).padStart(4, "0")}`;
  return pick([() => "000" + s.slice(3), () => "666" + s.slice(3), () => `9${int(10, 99)}` + s.slice(3), () => s.slice(0, 4) + "00" + s.slice(6), () => s.slice(0, 7) + "0000"])();
}

const PHONE_COUNTRIES: readonly CountryCode[] = ["GB", "DE", "FR", "JP", "AU", "IN", "BR", "ES", "IT", "NL", "SE", "MX", "ZA", "SG"];
function phone(): string {
  if (rand() < 0.4) {
    const area = pick(["415", "212", "646", "312", "617", "206", "303", "512", "202", "718"]);
    const line = `01${str(DIGITS, 2)}`;
    return pick([`(${area}) 555-${line}`, `${area}-555-${line}`, `${area}.555.${line}`, `+1 ${area} 555 ${line}`, `+1-${area}-555-${line}`, `1-${area}-555-${line}`, `+1${area}555${line}`]);
  }
  const country = pick(PHONE_COUNTRIES);
  const example = (examples as Record<string, string>)[country]!;
  for (let attempt = 0; attempt < 50; attempt++) {
    const national = example.slice(0, Math.max(3, example.length - 4)) + str(DIGITS, Math.min(4, example.length - 3));
    const parsed = parsePhoneNumberFromString(national, country);
    if (parsed?.isValid()) {
      const intl = parsed.formatInternational();
      return pick([intl, intl, intl.replaceAll(" ", "-"), parsed.number]);
    }
  }
  return parsePhoneNumberFromString(example, country)!.formatInternational();
}

function ipv4(): string {
  return pick([
    () => `192.0.2.${int(1, 254)}`,
    () => `198.51.100.${int(1, 254)}`,
    () => `203.0.113.${int(1, 254)}`,
    () => `10.${int(0, 255)}.${int(0, 255)}.${int(1, 254)}`,
    () => `172.${int(16, 31)}.${int(0, 255)}.${int(1, 254)}`,
    () => `192.168.${int(0, 255)}.${int(1, 254)}`,
    () => `${int(11, 223)}.${int(0, 255)}.${int(0, 255)}.${int(1, 254)}`,
  ])();
}
function ipv6(): string {
  const g = () => str(HEX, int(1, 4)).replace(/^0+(?=.)/, "");
  return pick([
    () => `2001:db8:${g()}:${g()}:${g()}:${g()}:${g()}:${g()}`,
    () => `2001:db8::${g()}:${g()}`,
    () => `fe80::${g()}:${g()}:${g()}:${g()}`,
    () => `fd${str(HEX, 2)}:${g()}:${g()}::${g()}`,
    () => `2001:0db8:85a3:0000:0000:8a2e:0370:${str(HEX, 4)}`,
  ])();
}

function privateKey(): string {
  const label = pick(["RSA PRIVATE KEY", "PRIVATE KEY", "EC PRIVATE KEY", "OPENSSH PRIVATE KEY", "ENCRYPTED PRIVATE KEY", "DSA PRIVATE KEY", "PGP PRIVATE KEY BLOCK"]);
  const lines = Array.from({ length: int(1, 4) }, () => str(B64, 64)).join("\n");
  const end = rand() < 0.7 ? `\n-----END ${label}-----` : "";
  return `-----BEGIN ${label}-----\n${lines}${end}`;
}
function jwt(): string {
  const header = b64url(JSON.stringify(pick([{ alg: "HS256", typ: "JWT" }, { alg: "RS256", typ: "JWT", kid: str(ALNUM, 8) }, { typ: "JWT", alg: "ES256" }])));
  const payload = b64url(JSON.stringify({ sub: `user-${int(1, 99999)}`, iat: int(1700000000, 1800000000), scope: pick(["read", "write", "admin"]) }));
  return `${header}.${payload}.${str(B64URL, pick([43, 86, 342]))}`;
}
function urlCredentials(): string {
  const scheme = pick(["postgres", "postgresql", "mysql", "redis", "amqp", "https", "mongodb+srv", "ftp", "smtp"]);
  const user = pick(["admin", "svc_ci", "deploy", "app", "root", ""]) || (scheme === "redis" ? "" : "app");
  const pass = str(ALNUM, int(10, 20)) + pick(["", "!", "%21", "~", "*"]) + str(DIGITS, 2);
  const host = pick(["db.internal.example", "10.0.4.12", "cache.corp.example", "mq.example.net", "db"]);
  return `${scheme}://${user}:${pass}@${host}${pick([":5432/app", ":6379/0", "/vhost", ""])}`;
}
function genericSecret(): string {
  const value = str(ALNUM, int(14, 32)) + pick(["", "#", "!", "$", "%", "^", "&"]) + str(ALNUM, int(2, 6));
  const safe = value.replace(/[#$&]/g, "9");
  return pick([
    () => `DB_PASSWORD=${safe}`,
    () => `password: ${value}`,
    () => `"password": "${value}"`,
    () => `api_key=${safe}`,
    () => `apiKey: '${value}'`,
    () => `client_secret=${safe}`,
    () => `SECRET_KEY = "${value}"`,
    () => `access_token: ${safe}`,
    () => `Authorization: Bearer ${safe}`,
    () => `--password=${safe}`,
    () => `auth_token='${value}'`,
    () => `aws_secret_access_key = ${str(B64, 40)}`,
    () => `REDIS_PASS=${safe}`,
    () => `passphrase: "${value}"`,
  ])();
}

// base62 CRC-32 token (GitHub classic, npm): 30 random + 6 checksum.
function crcToken(prefix: string, valid = true): string {
  const random = str(ALNUM, 30);
  let checksum = encodeBase62Uint(crc32(random), 6);
  if (!valid) checksum = checksum.slice(0, 5) + (checksum[5] === "a" ? "b" : "a");
  return prefix + random + checksum;
}
function railyardKey(valid = true): string {
  const key = formatPluginKey(bytes(32));
  return valid ? key : key.slice(0, -1) + (key.endsWith("0") ? "1" : "0");
}

const BECH32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
function bech32Polymod(values: number[]): number {
  const gen = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];
  let chk = 1;
  for (const v of values) {
    const b = chk >>> 25;
    chk = ((chk & 0x1ffffff) << 5) ^ v;
    for (let i = 0; i < 5; i++) if ((b >>> i) & 1) chk ^= gen[i]!;
  }
  return chk >>> 0;
}
function ageKey(valid = true): string {
  const hrp = "age-secret-key-";
  const data: number[] = [];
  let acc = 0;
  let bits = 0;
  for (const byte of bytes(32)) {
    acc = (acc << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      data.push((acc >>> bits) & 31);
    }
  }
  if (bits > 0) data.push((acc << (5 - bits)) & 31);
  const expanded = [...hrp].map((c) => c.charCodeAt(0) >> 5).concat([0], [...hrp].map((c) => c.charCodeAt(0) & 31));
  const mod = bech32Polymod([...expanded, ...data, 0, 0, 0, 0, 0, 0]) ^ 1;
  const checksum = Array.from({ length: 6 }, (_, i) => (mod >>> (5 * (5 - i))) & 31);
  if (!valid) checksum[5] = (checksum[5]! + 1) % 32;
  return (hrp + "1" + [...data, ...checksum].map((v) => BECH32[v]).join("")).toUpperCase();
}

const VALUE_GENERATORS: Record<string, () => string> = {
  email: () => `${str(LOWER, int(3, 8))}${pick(["", ".", "_", "+"])}${str(LOWER, int(2, 8))}@${pick(["example.com", "example.org", "corp.example", "mail.example.net", "example.co.uk"])}`,
  phone,
  payment_card: () => card(true),
  iban: () => iban(true),
  us_ssn: ssn,
  ipv4,
  ipv6,
  private_key: privateKey,
  jwt,
  url_credentials: urlCredentials,
  generic_secret: genericSecret,
  aws_access_key_id: () => pick(["AKIA", "ASIA"]) + str(UPPER + "234567", 16),
  github_token: () => (rand() < 0.8 ? crcToken(pick(["ghp_", "gho_", "ghu_", "ghs_", "ghr_"])) : `github_pat_${str(ALNUM, 22)}_${str(ALNUM, 59)}`),
  gitlab_token: () => pick(["glpat-", "glpat-", "gldt-", "glrt-"]) + str(ALNUM + "_", 20),
  slack_token: () => `${pick(["xoxb", "xoxp", "xoxa"])}-${str(DIGITS, 12)}-${str(DIGITS, 13)}-${str(ALNUM, 24)}`,
  slack_webhook: () => `https://hooks.slack.com/services/T${str(UPPER + DIGITS, 8)}/B${str(UPPER + DIGITS, 10)}/${str(ALNUM, 24)}`,
  stripe_key: () => pick(["sk_live_", "rk_live_", "sk_test_"]) + str(ALNUM, pick([24, 34, 99])),
  openai_key: () => (rand() < 0.5 ? `sk-proj-${str(B64URL, 58)}T3BlbkFJ${str(B64URL, 58)}` : `sk-${str(ALNUM, 20)}T3BlbkFJ${str(ALNUM, 20)}`),
  anthropic_key: () => `${pick(["sk-ant-api03-", "sk-ant-admin01-"])}${str(B64URL, 93)}AA`,
  google_api_key: () => `AIza${str(B64URL, 35)}`,
  azure_storage_key: () => `DefaultEndpointsProtocol=https;AccountName=acme${str(LOWER, 5)};AccountKey=${b64(bytes(64))};EndpointSuffix=core.windows.net`,
  azure_sas_token: () => `https://acme${str(LOWER, 4)}.blob.core.windows.net/builds/log.txt?sv=2022-11-02&ss=b&srt=o&sp=r&se=2026-01-01T00:00:00Z&sig=${encodeURIComponent(b64(bytes(32)))}`,
  twilio_key: () => pick(["SK", "AC"]) + str(HEX, 32),
  sendgrid_key: () => `SG.${str(B64URL, 22)}.${str(B64URL, 43)}`,
  npm_token: () => crcToken("npm_"),
  pypi_token: () => `pypi-AgEIcHlwaS5vcmc${str(B64URL, int(60, 160))}`,
  dockerhub_token: () => `dckr_pat_${str(B64URL, 27)}`,
  huggingface_token: () => `hf_${str(UPPER + LOWER, 34)}`,
  railyard_key: () => railyardKey(true),
  shopify_token: () => pick(["shpat_", "shpca_", "shppa_"]) + str(HEX, 32),
  digitalocean_token: () => pick(["dop_v1_", "doo_v1_"]) + str(HEX, 64),
  mailgun_key: () => `key-${str(HEX, 32)}`,
  square_token: () => pick([`sq0atp-${str(B64URL, 22)}`, `sq0csp-${str(B64URL, 43)}`, `EAAA${str(B64URL, 60)}`]),
  atlassian_token: () => `ATATT3xFfGF0${str(B64URL, 170)}=${str(UPPER.slice(0, 6) + DIGITS, 8)}`,
  linear_key: () => `lin_api_${str(ALNUM, 40)}`,
  databricks_token: () => `dapi${str(HEX, 32)}${pick(["", "", "-2"])}`,
  postman_key: () => `PMAK-${str(HEX, 24)}-${str(HEX, 34)}`,
  doppler_token: () => pick([`dp.st.${pick(["dev", "prd", "stg"])}.${str(ALNUM, 43)}`, `dp.pt.${str(ALNUM, 43)}`, `dp.st.${str(ALNUM, 40)}`]),
  vault_token: () => pick([`hvs.${str(ALNUM, 24)}`, `hvs.CAESI${str(B64URL, 86)}`, `hvb.${str(B64URL, 120)}`]),
  age_secret_key: () => ageKey(true),
  pulumi_token: () => `pul-${str(HEX, 40)}`,
  grafana_token: () => `glsa_${str(ALNUM, 32)}_${str(HEX, 8)}`,
  newrelic_key: () => `NRAK-${str(UPPER + DIGITS, 27)}`,
};

// Contexts that read naturally for a kind; other kinds use the generic POSITIVE_CONTEXTS.
const KIND_CONTEXTS: Record<string, readonly ((v: string) => string)[]> = {
  email: [(v) => `Co-authored-by: Sam Doe <${v}>`, (v) => `escalated to ${v} per on-call rota`],
  phone: [(v) => `on-call phone: ${v}`, (v) => `Customer asked for a callback at ${v}.`],
  ipv4: [(v) => `connect ECONNREFUSED ${v}:5432`, (v) => `deploy target ${v} unreachable after ${duration()}`],
  ipv6: [(v) => `listen tcp [${v}]:8443: bind: address already in use`, (v) => `peer ${v} closed connection`],
  generic_secret: [(v) => `.env changed: ${v}`, (v) => `curl failed with header ${v}`],
};

// ---------- benign metadata ----------
const BENIGN: Record<string, () => string> = {
  sha: () => pick([`Merge commit ${sha()} into main`, `HEAD is now at ${shortSha()} fix flaky test`, `revert ${sha()}`, `cherry-picked ${shortSha()} onto release/${semver()}`]),
  uuid: () => pick([`run ${uuid()} started`, `work unit ${uuid()} done`, `{"run_id":"${uuid()}","status":"active"}`, `checkpoint ${uuid()} awaiting approval`]),
  semver: () => pick([`Bump vite from ${semver()} to ${semver()}`, `release v${semver()}`, `node ${semver()}, bun ${semver()}`, `upgrade typescript to ${semver()} (${ticket()})`, `lodash@${semver()}`]),
  timestamp: () => pick([`finished at ${iso()}`, `${iso()} INFO server started`, `started ${iso().slice(0, 10)} ${String(int(0, 23)).padStart(2, "0")}:${String(int(0, 59)).padStart(2, "0")}:${String(int(0, 59)).padStart(2, "0")}`, `epoch ${int(1700000000000, 1800000000000)}`, `Date: Tue, ${int(1, 28)} May 2024 ${int(10, 23)}:${int(10, 59)}:${int(10, 59)} GMT`, `at ${String(int(0, 23)).padStart(2, "0")}:${String(int(0, 59)).padStart(2, "0")}:${String(int(0, 59)).padStart(2, "0")}.${int(100, 999)}`]),
  duration: () => pick([`tests took ${duration()}`, `build ${duration()}, lint ${duration()}`, `p95 latency ${int(1, 900)}ms over ${int(1000, 99999)} requests`, `timeout after ${int(1, 600)}s`]),
  pr_url: () => pick([`https://github.com/acme/${pick(MODULES)}/pull/${int(1, 9999)}`, `https://gitlab.example.com/acme/${pick(MODULES)}/-/merge_requests/${int(1, 999)}`, `opened PR #${int(1, 9999)} from feature/${ticket().toLowerCase()}-${pick(MODULES)}`, `https://github.com/acme/${pick(MODULES)}/commit/${sha()}`]),
  path: () => pick([`edited ${path()}`, `${path()}:${int(1, 900)}:${int(1, 120)} error TS2345: Argument of type 'string' is not assignable`, `touched 3 files: ${path()}, ${path()}, ${path()}`, `node_modules/@types/bun/index.d.ts`, `./src/${pick(MODULES)}/__tests__/${pick(MODULES)}.test.ts`]),
  model: () => pick([`model claude-sonnet-4-5-20250929`, `model=gpt-4o-2024-08-06`, `using claude-opus-4-1 with temperature 0.2`, `gemini-2.5-pro`, `o3-mini-2025-01-31`, `anthropic/claude-3-5-haiku-20241022`]),
  token_count: () => pick([`input_tokens=${int(100, 999999)} output_tokens=${int(10, 99999)}`, `tokens: ${int(1, 9)},${str(DIGITS, 3)},${str(DIGITS, 3)}`, `max_tokens: ${pick([1024, 4096, 8192, 64000])}`, `{"prompt_tokens": ${int(100, 99999)}, "completion_tokens": ${int(1, 9999)}, "total_tokens": ${int(100, 99999)}}`, `cache_read_input_tokens: ${int(1000, 200000)}`, `token count ${int(100000000, 999999999)}`]),
  hex_digest: () => pick([`sha256:${str(HEX, 64)}`, `md5 ${str(HEX, 32)}`, `image ghcr.io/acme/api@sha256:${str(HEX, 64)}`, `integrity sha512-${str(B64, 86)}==`, `etag "${str(HEX, 32)}"`, `build id ${str(HEX, 16)}`]),
  lookalike: () =>
    pick([
      () => `token ${crcToken(pick(["ghp_", "gho_", "ghs_"]), false)} (checksum mismatch, ignored)`,
      () => `npm ${crcToken("npm_", false)} rejected`,
      () => `key ${railyardKey(false)} malformed`,
      () => `card ${card(false)} failed Luhn`,
      () => `account ${iban(false)} invalid`,
      () => `ref ${invalidSsn()}`,
      () => `listening on 127.0.0.1:${int(1024, 65535)}`,
      () => `bind 0.0.0.0:${int(1024, 65535)}`,
      () => `http://[::1]:${int(1024, 65535)}/healthz`,
      () => `agent v${int(1, 9)}.${int(0, 9)}.${int(0, 20)}.${int(0, 200)}`,
      () => `version ${int(1, 9)}.${int(0, 9)}.${int(0, 99)}.${int(0, 200)}`,
      () => `-----BEGIN PUBLIC KEY-----\n${str(B64, 64)}`,
      () => `-----BEGIN CERTIFICATE-----`,
      () => `ssh://git@github.com/acme/${pick(MODULES)}.git`,
      () => `git@github.com:acme/${pick(MODULES)}.git`,
      () => `https://deploy@registry.example.com/v2/`,
      () => `user@localhost`,
      () => `@types/node@${semver()}`,
      () => `eyJ${str(ALNUM, 20)} truncated`,
      () => `${b64url(JSON.stringify({ typ: "JWT" }))}.${b64url("{}")}.${str(B64URL, 43)}`,
      () => `AKIA${str(UPPER, 12)} (too short)`,
      () => `sk-${str(ALNUM, 12)}`,
      () => `age ${ageKey(false)}`,
      () => `order ${str(DIGITS, 4)}-${str(DIGITS, 4)}-${str(DIGITS, 4)}`,
      () => `std::vector<int>::iterator`,
      () => `mac 00:1a:2b:${str(HEX, 2)}:${str(HEX, 2)}:${str(HEX, 2)}`,
      () => `ports ${int(1000, 8000)}-${int(8001, 9999)}`,
      () => `build ${int(2023, 2026)}${String(int(1, 12)).padStart(2, "0")}${String(int(1, 28)).padStart(2, "0")}.${int(1, 9)}`,
      () => `issue #${int(1000, 99999)} and ${int(1000000, 9999999)}`,
    ])(),
  placeholder: () =>
    pick([
      `password=\${DB_PASSWORD}`,
      `API_KEY=<your-key>`,
      `token: xxxxxxxxxxxxxxxx`,
      `secret: changeme`,
      `password: ********`,
      `api_key=example-key-123456`,
      `token=dummy-token-value`,
      `postgres://user:\${PGPASSWORD}@db:5432/app`,
      `AWS_SECRET_ACCESS_KEY=$AWS_SECRET_ACCESS_KEY`,
      `aws key id AKIAIOSFODNN7EXAMPLE`,
      `client_secret: "{{ vault.client_secret }}"`,
      `Authorization: Bearer <token>`,
      `password=%DB_PASS%`,
      `GITHUB_TOKEN: \${{ secrets.GITHUB_TOKEN }}`,
      `"apiKey": "YOUR_API_KEY_HERE"`,
      `redis://:<password>@cache:6379`,
      `secret_key=[REDACTED]`,
      `token = "placeholder"`,
      `passwd: sample-passwd`,
      `api_key=${"x".repeat(int(8, 32))}`,
    ]),
  status: () => pick([`tests passed: ${int(10, 900)}, failed: 0, skipped: ${int(0, 5)}`, `exit code ${int(0, 2)}`, `phase build → test (gate: none)`, `work unit "${pick(MODULES)} refactor" done`, `lint: ${int(0, 40)} warnings`, `branch feature/${ticket().toLowerCase()}-${pick(MODULES)} pushed`, `coverage ${int(50, 99)}.${int(0, 9)}%`, `scope violation: ${path()} is read-only`, `retry ${int(1, 5)}/5 in ${int(1, 30)}s`, `token refresh succeeded`, `password reset flow: validation now trims whitespace`, `secret rotation: completed`, `max_tokens exceeded at ${int(1000, 9000)}`]),
  build_log: () => pick([`✓ ${int(10, 900)} tests passed (${duration()})`, `error: Cannot find module './${pick(MODULES)}' imported from ${path()}`, `    at Object.<anonymous> (${path()}:${int(1, 300)}:${int(1, 80)})`, `webpack compiled ${int(1, 20)} assets in ${int(100, 9000)} ms`, `Downloaded ${int(1, 900)} packages (${int(1, 99)}.${int(0, 9)} MB) in ${duration()}`, `go: downloading golang.org/x/net v0.${int(1, 30)}.${int(0, 9)}`, `[${int(1, 99)}/${int(100, 200)}] Compiling ${pick(MODULES)} v${semver()}`]),
};

// ---------- assemble ----------
interface Line {
  text: string;
  expect: string[];
  tag: string;
}
const lines: Line[] = [];
for (const [kind, generate] of Object.entries(VALUE_GENERATORS)) {
  for (let i = 0; i < PER_KIND; i++) {
    const contexts = KIND_CONTEXTS[kind];
    const context = contexts !== undefined && rand() < 0.5 ? pick(contexts) : positive;
    lines.push({ text: context(generate()), expect: [kind], tag: kind });
  }
}
// A few lines with two findings of different kinds.
for (let i = 0; i < 120; i++) {
  const [a, b] = [pick(Object.keys(VALUE_GENERATORS)), pick(Object.keys(VALUE_GENERATORS))];
  if (a === b) continue;
  lines.push({ text: `handover: ${VALUE_GENERATORS[a]!()} ; see also ${VALUE_GENERATORS[b]!()} (${ticket()})`, expect: [a, b].sort(), tag: "multi" });
}
const BENIGN_PER_TAG = 420;
for (const [tag, generate] of Object.entries(BENIGN)) {
  for (let i = 0; i < BENIGN_PER_TAG; i++) lines.push({ text: generate(), expect: [], tag });
}

const body = lines.map((l) => JSON.stringify(l)).join("\n") + "\n";
await Bun.write(OUT, body);
const positives = lines.filter((l) => l.expect.length > 0).length;
console.log(`wrote ${lines.length} lines (${positives} positive, ${lines.length - positives} benign) to ${OUT.pathname}`);
