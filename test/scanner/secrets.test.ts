import { describe, expect, test } from "bun:test";
import { formatPluginKey } from "../../src/lib/plugin-key-format.ts";
import { SCANNER_KINDS } from "../../src/scanner/index.ts";
import { KEY_FORMATS } from "../../src/scanner/rules/provider-keys.ts";
import { crcToken, kindsIn, matchesIn } from "./helpers.ts";

const A = "A".repeat(8);
const hex = (n: number) => "0123456789abcdef".repeat(8).slice(0, n);
const mixed = (n: number) => "Synth3t1cV4lue9xQ7mK2pL8wZ5rT0yU6bN1cE4gH7jF3dS9aW2qR5tY8uI0oP6lK3jH9gF".slice(0, n);
const b64 = (bytes: number) => Buffer.from(Uint8Array.from({ length: bytes }, (_, i) => (i * 37 + 11) & 0xff)).toString("base64");
const jwtHeader = Buffer.from('{"alg":"HS256","typ":"JWT"}').toString("base64url");
const jwtPayload = Buffer.from('{"sub":"synthetic-user"}').toString("base64url");

describe("private key blocks", () => {
  test("covers a PEM block through its END line, and a truncated block to the end of text", () => {
    const block = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\n-----END RSA PRIVATE KEY-----";
    expect(matchesIn(`before ${block} after`)).toEqual([block]);
    expect(kindsIn("-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjE")).toEqual(["private_key"]);
    expect(kindsIn("-----BEGIN PGP PRIVATE KEY BLOCK-----")).toEqual(["private_key"]);
  });

  test("ignores public keys and certificates", () => {
    expect(kindsIn("-----BEGIN PUBLIC KEY-----\nMIIB")).toEqual([]);
    expect(kindsIn("-----BEGIN CERTIFICATE-----")).toEqual([]);
  });
});

describe("JWT", () => {
  test("finds three base64url segments whose header has an alg", () => {
    const token = `${jwtHeader}.${jwtPayload}.${mixed(43)}`;
    expect(matchesIn(`Authorization: Bearer ${token}.`)).toEqual([token]);
  });

  test("ignores headers without alg, non-JSON headers, two segments and truncated tokens", () => {
    const noAlg = Buffer.from('{"typ":"JWT"}').toString("base64url");
    for (const text of [`${noAlg}.${jwtPayload}.${mixed(43)}`, `eyJub3QganNvbg.${jwtPayload}.${mixed(43)}`, `${jwtHeader}.${jwtPayload}`, `${jwtHeader}.${jwtPayload}.abc`]) {
      expect({ text, kinds: kindsIn(text) }).toEqual({ text, kinds: [] });
    }
  });
});

describe("URL credentials", () => {
  test("finds user:password in URLs and reports only the userinfo", () => {
    expect(matchesIn("DATABASE_URL=postgres://app:Xk9mP2vL8q@db.internal:5432/app")).toEqual(["app:Xk9mP2vL8q"]);
    expect(kindsIn("redis://:S3cretRedisPw@cache:6379/0")).toEqual(["url_credentials"]);
  });

  test("ignores URLs without a password and placeholder passwords", () => {
    for (const text of ["https://deploy@registry.example.com/v2/", "postgres://user:${PGPASSWORD}@db:5432", "redis://:<password>@cache:6379", "https://user:****@host", "https://github.com/acme/api/pull/12"]) {
      expect({ text, kinds: kindsIn(text) }).toEqual({ text, kinds: [] });
    }
  });
});

describe("generic secret assignments", () => {
  test("finds high-entropy values assigned to secret-sounding names, reporting the value only", () => {
    expect(matchesIn("DB_PASSWORD=Xk9mP2vL8qRt")).toEqual(["Xk9mP2vL8qRt"]);
    expect(matchesIn('{"client_secret": "q8Z2mK5pX1rT9wL4"}')).toEqual(["q8Z2mK5pX1rT9wL4"]);
    expect(matchesIn("apiKey: 'a9F3kL2mQ8zX5vB7'")).toEqual(["a9F3kL2mQ8zX5vB7"]);
    expect(matchesIn("Authorization: Bearer Zq8mK2pX9rT4wL7vB3")).toEqual(["Zq8mK2pX9rT4wL7vB3"]);
    expect(matchesIn("--password=Tr0ub4dor&3x")).toEqual(["Tr0ub4dor"]);
    expect(kindsIn("DB_PASS=hunter2Xy9!")).toEqual(["generic_secret"]);
  });

  test("ignores placeholders, low-entropy words, numbers and non-secret names", () => {
    for (const text of [
      "password=${DB_PASSWORD}",
      "password=$DB_PASSWORD",
      "API_KEY=<your-key>",
      "token: xxxxxxxxxxxxxxxx",
      "secret: changeme",
      "password: ********",
      "api_key=example-key-123456",
      "token=dummy-token-value",
      'client_secret: "{{ vault.client_secret }}"',
      "password reset flow: validation now trims whitespace",
      "secret rotation: completed",
      "max_tokens: 4096",
      "input_tokens=123456 output_tokens=789",
      "token count: 1234567",
      "PWD=/home/ci/work",
      "compass=Xk9mP2vL8qRt",
      "key=Xk9mP2vL8qRt",
      "a == b && password != null",
    ]) {
      expect({ text, kinds: kindsIn(text) }).toEqual({ text, kinds: [] });
    }
  });
});

describe("provider keys", () => {
  // One synthetic example per provider format, built from the published shape.
  const examples: Record<string, string> = {
    aws_access_key_id: `AKIA${"SYNTHETIC2345672"}`,
    github_token: crcToken("ghp_"),
    gitlab_token: `glpat-${mixed(20)}`,
    slack_token: `xoxb-123456789012-1234567890123-${mixed(24)}`,
    slack_webhook: `https://hooks.slack.com/services/T0SYNTH01/B0SYNTHE01/${mixed(24)}`,
    stripe_key: `sk_live_${mixed(24)}`,
    openai_key: `sk-${mixed(20)}T3BlbkFJ${mixed(20)}`,
    anthropic_key: `sk-ant-api03-${mixed(70)}${mixed(23)}AA`,
    google_api_key: `AIza${mixed(35)}`,
    azure_storage_key: `AccountName=acme;AccountKey=${b64(64)};EndpointSuffix=core.windows.net`,
    azure_sas_token: `?sv=2022-11-02&sp=r&sig=${encodeURIComponent(b64(32))}`,
    twilio_key: `SK${hex(32)}`,
    sendgrid_key: `SG.${mixed(22)}.${mixed(43)}`,
    npm_token: crcToken("npm_"),
    pypi_token: `pypi-AgEIcHlwaS5vcmc${mixed(60)}`,
    dockerhub_token: `dckr_pat_${mixed(27)}`,
    huggingface_token: `hf_${"SyntheticHuggingFaceTokenAbcdefghi"}`,
    railyard_key: formatPluginKey(new Uint8Array(32).fill(7)),
    shopify_token: `shpat_${hex(32)}`,
    digitalocean_token: `dop_v1_${hex(64)}`,
    mailgun_key: `key-${hex(32)}`,
    square_token: `sq0atp-${mixed(22)}`,
    atlassian_token: `ATATT3xFfGF0${mixed(60)}${mixed(60)}${mixed(50)}=ABCDEF12`,
    linear_key: `lin_api_${mixed(40)}`,
    databricks_token: `dapi${hex(32)}`,
    postman_key: `PMAK-${hex(24)}-${hex(34)}`,
    doppler_token: `dp.st.dev.${mixed(43)}`,
    vault_token: `hvs.${mixed(24)}`,
    age_secret_key: "AGE-SECRET-KEY-12TN6R2NN72JN4KA2PQCPLVC7UQ268NETNYHTULSEN9JA9A6Y7YFQ3SA2VV",
    pulumi_token: `pul-${hex(40)}`,
    grafana_token: `glsa_${mixed(32)}_${hex(8)}`,
    newrelic_key: `NRAK-${"SYNTHETIC0123456789ABCDEFG"}X`,
  };

  test("covers at least 25 providers, each kind with an example", () => {
    const kinds = new Set(KEY_FORMATS.map((f) => f.kind));
    expect(kinds.size).toBeGreaterThanOrEqual(25);
    expect([...kinds].sort() as string[]).toEqual(Object.keys(examples).sort());
    for (const kind of kinds) expect(SCANNER_KINDS.some((k) => k.kind === kind && k.category === "secret")).toBe(true);
  });

  for (const [kind, example] of Object.entries(examples)) {
    test(`finds ${kind} in metadata`, () => {
      expect(kindsIn(`deploy failed: ${example} rejected`)).toEqual([kind]);
    });
  }

  test("rejects GitHub, npm and Railyard tokens whose checksum does not match", () => {
    const flip = (s: string) => s.slice(0, -1) + (s.endsWith("a") ? "b" : "a");
    expect(kindsIn(flip(crcToken("ghp_")))).toEqual([]);
    expect(kindsIn(flip(crcToken("npm_")))).toEqual([]);
    expect(kindsIn(flip(formatPluginKey(new Uint8Array(32).fill(9))))).toEqual([]);
    expect(kindsIn(flip(examples.age_secret_key!))).toEqual([]);
  });

  test("rejects wrong lengths, embedded prefixes and documented example keys", () => {
    for (const text of [
      `AKIA${"SYNTHETIC234567"}`,
      `xAKIA${"SYNTHETIC2345672"}`,
      `ghp_${mixed(35)}`,
      `sk-${mixed(48)}`,
      `risk-${hex(32)}`,
      `hf_model_name_${mixed(20)}`,
      "AKIAIOSFODNN7EXAMPLE",
      `AccountKey=${b64(60)}`,
      `SK${hex(31)}`,
      `dapi${hex(31)}`,
    ]) {
      expect({ text, kinds: kindsIn(text) }).toEqual({ text, kinds: [] });
    }
  });

  test("a key after `token=` is reported as the provider's kind, not as a generic secret", () => {
    expect(kindsIn(`GITHUB_TOKEN=${crcToken("ghp_")}`)).toEqual(["github_token"]);
  });
});

// The generic rule is driven by operators and the provider rule by word starts; these pin the edges
// that a keyword-by-keyword scan defined, so a faster scan cannot quietly change what is reported.
describe("scanning edges kept by the faster scans", () => {
  test("a generic name must contain a keyword as written, and a keyword inside a value does not start a name", () => {
    expect(kindsIn("to-ken=Qw3rTy9Zx8Cv")).toEqual([]);
    expect(matchesIn("key.to-ken=Qw3rTy9Zx8Cv")).toEqual(["Qw3rTy9Zx8Cv"]);
    expect(matchesIn("password=Xk9mP2vL8qRt/token=Qw3rTy9Zx8Cv")).toEqual(["Xk9mP2vL8qRt/token=Qw3rTy9Zx8Cv"]);
    expect(matchesIn('Authorization: Bearer "unterminated token=Qw3rTy9Zx8Cv')).toEqual(["Qw3rTy9Zx8Cv"]);
  });

  test("a generic operator follows the name after at most three spaces or quotes, and is not ==, :// or ::", () => {
    expect(matchesIn("token   =Qw3rTy9Zx8Cv")).toEqual(["Qw3rTy9Zx8Cv"]);
    expect(matchesIn("token := Qw3rTy9Zx8Cv")).toEqual(["Qw3rTy9Zx8Cv"]);
    for (const text of ["token    =Qw3rTy9Zx8Cv", "token == Qw3rTy9Zx8Cv", "token://Qw3rTy9Zx8Cv", "token::Qw3rTy9Zx8Cv"]) {
      expect({ text, kinds: kindsIn(text) }).toEqual({ text, kinds: [] });
    }
  });

  test("a generic name is at most 48 characters", () => {
    expect(kindsIn(`${"a".repeat(43)}token=Qw3rTy9Zx8Cv`)).toEqual(["generic_secret"]);
    expect(kindsIn(`${"a".repeat(44)}token=Qw3rTy9Zx8Cv`)).toEqual([]);
  });

  test("a provider key starts a word and is not followed by a letter or digit", () => {
    expect(matchesIn("xAKIAABCDEFGHIJKLMNOP AKIAABCDEFGHIJKLMNOP1 AKIAABCDEFGHIJKLMNOP")).toEqual(["AKIAABCDEFGHIJKLMNOP"]);
    expect(matchesIn(`(${crcToken("ghp_")})`)).toEqual([crcToken("ghp_")]);
  });
});
