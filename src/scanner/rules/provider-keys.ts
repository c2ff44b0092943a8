// Provider API keys and tokens in their published formats: a fixed prefix, then a body of an exact
// alphabet and length, and where the provider publishes one, a checksum (GitHub and npm CRC-32,
// Railyard keys, age's Bech32, Azure keys that must decode to a 256/512-bit value).
//
// One pass over the text: at each position that starts a word, the first character selects the few
// formats whose prefix starts with it; a matching prefix reads its body run once (bounded by the
// format's maximum length) and the scan resumes after it. Work is linear in the text.
import { crc32 } from "../../lib/crc32.ts";
import { encodeBase62Uint } from "../../lib/base62.ts";
import { isWellFormedPluginKey } from "../../lib/plugin-key-format.ts";
import {
  isAlnum,
  isBase64,
  isBase64Url,
  isDigit,
  isHex,
  isHexLower,
  isLower,
  isUpperAlnum,
  runEnd,
  type CharTest,
} from "../chars.ts";
import { bech32Valid, decodeBase64 } from "../checks.ts";
import type { FindingKind } from "../kinds.ts";
import type { Rule } from "../rule.ts";

interface KeyFormat {
  readonly kind: FindingKind;
  readonly prefixes: readonly string[];
  /** Alphabet of the body after the prefix. */
  readonly body: CharTest;
  /** Body length bounds (inclusive). */
  readonly min: number;
  readonly max: number;
  /** Extra structure or checksum check on the body. */
  readonly valid?: (body: string, prefix: string) => boolean;
}

const isBase64UrlDot: CharTest = (c) => isBase64Url(c) || c === 46;
const isAlnumDash: CharTest = (c) => isAlnum(c) || c === 45;
const isAlnumSlash: CharTest = (c) => isAlnum(c) || c === 47;
const isHexLowerDash: CharTest = (c) => isHexLower(c) || c === 45;
const isLowerAlnum: CharTest = (c) => isDigit(c) || isLower(c);
const isWordChar: CharTest = (c) => isAlnum(c) || c === 95;
const isSasChar: CharTest = (c) => isBase64(c) || c === 37;
const isBech32Upper: CharTest = (c) => "QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L".includes(String.fromCharCode(c));

/** GitHub classic and npm tokens: 30 random base62 characters + base62 CRC-32 of them (6 chars). */
function crc32Base62Checksum(body: string): boolean {
  return encodeBase62Uint(crc32(body.slice(0, 30)), 6) === body.slice(30);
}

/** True when base64 text decodes to exactly `bytes` bytes (an HMAC key or signature). */
function decodesTo(bytes: number): (body: string) => boolean {
  return (body) => decodeBase64(body)?.length === bytes;
}

/** Published documentation examples, not secrets (e.g. AWS's own example key id). */
const DOCUMENTED_EXAMPLES = new Set(["AKIAIOSFODNN7EXAMPLE", "AKIAI44QH8DHBEXAMPLE"]);

export const KEY_FORMATS: readonly KeyFormat[] = [
  { kind: "aws_access_key_id", prefixes: ["AKIA", "ASIA", "ABIA", "ACCA"], body: isUpperAlnum, min: 16, max: 16 },
  { kind: "github_token", prefixes: ["ghp_", "gho_", "ghu_", "ghs_", "ghr_"], body: isAlnum, min: 36, max: 36, valid: crc32Base62Checksum },
  { kind: "github_token", prefixes: ["github_pat_"], body: isWordChar, min: 82, max: 82, valid: (b) => /^[A-Za-z0-9]{22}_[A-Za-z0-9]{59}$/.test(b) },
  { kind: "gitlab_token", prefixes: ["glpat-", "gldt-", "glrt-", "glcbt-", "glptt-"], body: isBase64UrlDot, min: 20, max: 80 },
  { kind: "slack_token", prefixes: ["xoxb-", "xoxp-", "xoxa-", "xoxr-", "xoxs-", "xoxe-"], body: isAlnumDash, min: 20, max: 255, valid: (b) => /^\d{1,16}-[A-Za-z0-9-]+$/.test(b) },
  { kind: "slack_webhook", prefixes: ["hooks.slack.com/services/"], body: isAlnumSlash, min: 40, max: 80, valid: (b) => /^T[A-Z0-9]{8,12}\/B[A-Z0-9]{8,12}\/[A-Za-z0-9]{24}$/.test(b) },
  { kind: "stripe_key", prefixes: ["sk_live_", "rk_live_", "sk_test_", "rk_test_"], body: isAlnum, min: 24, max: 247 },
  { kind: "anthropic_key", prefixes: ["sk-ant-api03-", "sk-ant-admin01-", "sk-ant-oat01-"], body: isBase64Url, min: 80, max: 120, valid: (b) => b.endsWith("AA") },
  {
    kind: "openai_key",
    prefixes: ["sk-proj-", "sk-svcacct-", "sk-admin-", "sk-"],
    body: isBase64Url,
    min: 40,
    max: 250,
    // Legacy keys are sk- + 20 + "T3BlbkFJ" (base64 of "OpenAI") + 20; project keys carry it too.
    valid: (b, prefix) => (prefix !== "sk-" || b.includes("T3BlbkFJ")) && !b.startsWith("ant-"),
  },
  { kind: "google_api_key", prefixes: ["AIza"], body: isBase64Url, min: 35, max: 35 },
  { kind: "azure_storage_key", prefixes: ["AccountKey="], body: isBase64, min: 88, max: 88, valid: decodesTo(64) },
  { kind: "azure_storage_key", prefixes: ["SharedAccessKey="], body: isBase64, min: 44, max: 44, valid: decodesTo(32) },
  {
    kind: "azure_sas_token",
    prefixes: ["sig="],
    body: isSasChar,
    min: 44,
    max: 60,
    valid: (b) => decodesTo(32)(b.replaceAll("%2B", "+").replaceAll("%2F", "/").replaceAll("%3D", "=").replaceAll("%2b", "+").replaceAll("%2f", "/").replaceAll("%3d", "=")),
  },
  { kind: "twilio_key", prefixes: ["SK", "AC"], body: isHexLower, min: 32, max: 32 },
  { kind: "sendgrid_key", prefixes: ["SG."], body: isBase64UrlDot, min: 66, max: 66, valid: (b) => /^[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$/.test(b) },
  { kind: "npm_token", prefixes: ["npm_"], body: isAlnum, min: 36, max: 36, valid: crc32Base62Checksum },
  { kind: "pypi_token", prefixes: ["pypi-AgEIcHlwaS5vcmc"], body: isBase64Url, min: 50, max: 400 },
  { kind: "dockerhub_token", prefixes: ["dckr_pat_", "dckr_oat_"], body: isBase64Url, min: 27, max: 40 },
  { kind: "huggingface_token", prefixes: ["hf_"], body: isAlnum, min: 34, max: 34 },
  { kind: "railyard_key", prefixes: ["ryd_"], body: isAlnum, min: 49, max: 49, valid: (b) => isWellFormedPluginKey("ryd_" + b) },
  { kind: "shopify_token", prefixes: ["shpat_", "shpca_", "shppa_", "shpss_"], body: isHex, min: 32, max: 32 },
  { kind: "digitalocean_token", prefixes: ["dop_v1_", "doo_v1_", "dor_v1_"], body: isHexLower, min: 64, max: 64 },
  { kind: "mailgun_key", prefixes: ["key-"], body: isLowerAlnum, min: 32, max: 32 },
  { kind: "square_token", prefixes: ["sq0atp-"], body: isBase64Url, min: 22, max: 22 },
  { kind: "square_token", prefixes: ["sq0csp-"], body: isBase64Url, min: 43, max: 43 },
  { kind: "square_token", prefixes: ["EAAA"], body: isBase64Url, min: 60, max: 60 },
  { kind: "atlassian_token", prefixes: ["ATATT3", "ATCTT3"], body: (c) => isBase64Url(c) || c === 61, min: 150, max: 260, valid: (b) => /=[0-9A-F]{8}$/.test(b) },
  { kind: "linear_key", prefixes: ["lin_api_"], body: isAlnum, min: 40, max: 40 },
  { kind: "databricks_token", prefixes: ["dapi"], body: isHexLowerDash, min: 32, max: 34, valid: (b) => /^[0-9a-f]{32}(?:-\d)?$/.test(b) },
  { kind: "postman_key", prefixes: ["PMAK-"], body: isHexLowerDash, min: 59, max: 59, valid: (b) => /^[0-9a-f]{24}-[0-9a-f]{34}$/.test(b) },
  {
    kind: "doppler_token",
    prefixes: ["dp.st.", "dp.pt.", "dp.ct.", "dp.sa.", "dp.scim.", "dp.audit."],
    body: isBase64UrlDot,
    min: 40,
    max: 90,
    valid: (b) => /^(?:[a-z0-9_-]{1,35}\.)?[A-Za-z0-9]{40,44}$/.test(b),
  },
  { kind: "vault_token", prefixes: ["hvs.", "hvb.", "hvr."], body: isBase64Url, min: 24, max: 400 },
  { kind: "age_secret_key", prefixes: ["AGE-SECRET-KEY-1"], body: isBech32Upper, min: 58, max: 58, valid: (b) => bech32Valid("AGE-SECRET-KEY-1" + b) },
  { kind: "pulumi_token", prefixes: ["pul-"], body: isHexLower, min: 40, max: 40 },
  { kind: "grafana_token", prefixes: ["glsa_"], body: isWordChar, min: 41, max: 41, valid: (b) => /^[A-Za-z0-9]{32}_[0-9a-f]{8}$/.test(b) },
  { kind: "newrelic_key", prefixes: ["NRAK-"], body: isUpperAlnum, min: 27, max: 27 },
];

interface Candidate {
  readonly prefix: string;
  readonly format: KeyFormat;
}

// First two characters of a prefix → candidates, longest prefix first (so "sk-ant-" is tried before
// "sk-"). Every prefix has at least two ASCII characters; keying on two rather than one means that
// ordinary words starting with a prefix's letter ("status", "secret", "Added") are rejected by one
// table read instead of a startsWith per candidate.
const BY_FIRST_TWO: ReadonlyArray<readonly Candidate[] | undefined> = (() => {
  const table: (Candidate[] | undefined)[] = new Array<Candidate[] | undefined>(128 * 128).fill(undefined);
  for (const format of KEY_FORMATS) {
    for (const prefix of format.prefixes) {
      // The scan below only looks at word starts through this table: a prefix must begin with two ASCII characters, the first a letter.
      if (!/^[A-Za-z][\x00-\x7f]/.test(prefix)) throw new Error(`provider key prefix ${prefix} must start with an ASCII letter`);
      (table[(prefix.charCodeAt(0) << 7) | prefix.charCodeAt(1)] ??= []).push({ prefix, format });
    }
  }
  for (const list of table) list?.sort((a, b) => b.prefix.length - a.prefix.length);
  return table;
})();

// ASCII letters and digits, for the word-start test in the hot loop.
const ALNUM = (() => {
  const table = new Uint8Array(128);
  for (let c = 0; c < 128; c++) table[c] = isAlnum(c) ? 1 : 0;
  return table;
})();

/** The candidates whose first two characters are at `i`, or undefined. */
function candidatesAt(text: string, i: number): readonly Candidate[] | undefined {
  const c = text.charCodeAt(i);
  const d = text.charCodeAt(i + 1); // NaN past the end, and NaN < 128 is false
  return c < 128 && d < 128 ? BY_FIRST_TWO[(c << 7) | d] : undefined;
}

/** The key whose prefix starts at `i`: its end and kind, or null. */
function matchAt(text: string, i: number, candidates: readonly Candidate[]): { end: number; kind: FindingKind } | null {
  for (const { prefix, format } of candidates) {
    if (!text.startsWith(prefix, i)) continue;
    const bodyStart = i + prefix.length;
    let end = runEnd(text, bodyStart, format.body, format.max);
    // Bodies that may contain '.' still do not end with one: that is the end of a sentence.
    while (end > bodyStart && text.charCodeAt(end - 1) === 46) end--;
    const length = end - bodyStart;
    if (length < format.min || length > format.max || isAlnum(text.charCodeAt(end))) continue;
    const body = text.slice(bodyStart, end);
    if (format.valid !== undefined && !format.valid(body, prefix)) continue;
    if (DOCUMENTED_EXAMPLES.has(prefix + body)) continue;
    return { end, kind: format.kind };
  }
  return null;
}

/** Length of the shortest possible key (AWS key ids: 4 + 16). */
const MIN_KEY_LENGTH = Math.min(...KEY_FORMATS.flatMap((f) => f.prefixes.map((p) => p.length + f.min)));

/** End of the run of ASCII letters and digits starting at `i`. */
function wordEnd(text: string, i: number): number {
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 128 || ALNUM[c] === 0) break;
  }
  return i;
}

export const providerKeysRule: Rule = {
  name: "provider_keys",
  kinds: [...new Set(KEY_FORMATS.map((f) => f.kind))],
  // The find below already rejects most words with one table read, faster than any keyword test
  // could; the prefilter only skips texts too short to hold the shortest key.
  mayMatch: (text) => text.length >= MIN_KEY_LENGTH,
  find(text, emit) {
    // Every prefix starts with a letter and a key starts a word (the character before it is not an
    // ASCII letter or digit), so the scan hops from word start to word start and tests the first
    // two characters of each against the table. Keys may contain '-', '_', '.', '/', '=' and so
    // span several "words"; a match resumes the scan after its end.
    const last = text.length - 1;
    let i = 0;
    while (i < last) {
      const c = text.charCodeAt(i);
      if (c >= 128 || ALNUM[c] === 0) {
        i++;
        continue;
      }
      const candidates = candidatesAt(text, i);
      const match = candidates === undefined ? null : matchAt(text, i, candidates);
      if (match === null) {
        i = wordEnd(text, i + 1);
        continue;
      }
      emit(match.kind, i, match.end);
      i = match.end; // not a letter or digit (matchAt checks), so the next word starts after it
    }
  },
};
