// Issue 12, item 6: look-alike and invisible characters must not hide a value (the scanner
// normalises first, then matches, and reports positions in the original text), and ordinary
// formats that slipped through are found: values after '/' or ':', national phone numbers,
// dotted cards and SSNs, lowercase IBANs, PEM bodies without their BEGIN line, 4-dash and
// lowercase PEM labels, and a token used as a URL user name. All values are synthetic.
import { describe, expect, test } from "bun:test";
import { formatPluginKey } from "../../src/lib/plugin-key-format.ts";
import { redact, scan } from "../../src/scanner/index.ts";
import { normalizeForScan } from "../../src/scanner/normalize.ts";
import { crcToken, kindsIn, syntheticKeyBody } from "./helpers.ts";

const ZWSP = "\u200b";
const ZWNJ = "\u200c";
const ZWJ = "\u200d";
const SHY = "\u00ad";
const WJ = "\u2060";
/** Fullwidth digits (U+FF10…) for ASCII digits. */
const fullwidth = (s: string) => s.replace(/[0-9]/g, (d) => String.fromCharCode(0xff10 + Number(d)));
/** Inserts `ch` after every `every` characters. */
const splice = (s: string, ch: string, every = 4) => s.replace(new RegExp(`(.{${every}})`, "g"), `$1${ch}`);

const aws = "AKIAQ3EGWSGKXTNKSE7Z";
const ghp = crcToken("ghp_");
const stripe = "sk_live_" + "Synth3t1cV4lue9xQ7mK2pL8";
const railyard = formatPluginKey(Uint8Array.from({ length: 32 }, (_, i) => (i * 53 + 7) & 0xff));
const slack = "xoxb-1234567890-SyntheticSlackTokenValue01";
const openai = "sk-proj-" + "Synth3t1cV4lue9xQ7mK2pL8wZ5rT0yU6bN1cE4gH7jF3dS9";
const jwt = [Buffer.from('{"alg":"HS256","typ":"JWT"}').toString("base64url"), Buffer.from('{"sub":"synthetic"}').toString("base64url"), "Synth3t1cV4lue9xQ7mK2pL8wZ5rT0yU"].join(".");

/** The 19 look-alike / invisible variants of the issue, each with the kind it must be found as. */
const EVASIONS: [string, string, string][] = [
  ["AWS key split by zero-width spaces", `key ${splice(aws, ZWSP)}`, "aws_access_key_id"],
  ["AWS key with Cyrillic А and К", `key ${aws.replace("A", "\u0410").replace("K", "\u041a")}`, "aws_access_key_id"],
  ["AWS key with fullwidth digits", `key ${fullwidth(aws)}`, "aws_access_key_id"],
  ["GitHub token with soft hyphens", `token ${splice(ghp, SHY, 6)}`, "github_token"],
  ["GitHub token with a word joiner", `token ${ghp.slice(0, 10)}${WJ}${ghp.slice(10)}`, "github_token"],
  ["Stripe key with zero-width joiners", `stripe ${splice(stripe, ZWJ, 5)}`, "stripe_key"],
  ["Stripe key with a Cyrillic е in the body", `stripe ${stripe.replace("live", "live").replace("V4lue", "V4lu\u0435")}`, "stripe_key"],
  ["Railyard key with a zero-width non-joiner", `RAILYARD_KEY ${railyard.slice(0, 20)}${ZWNJ}${railyard.slice(20)}`, "railyard_key"],
  ["Railyard key with fullwidth digits", `key ${fullwidth(railyard)}`, "railyard_key"],
  ["Slack token with zero-width spaces", `slack ${splice(slack, ZWSP, 7)}`, "slack_token"],
  ["OpenAI key with Cyrillic р and о", `openai ${openai.replace("proj", "\u0440r\u043ej")}`, "openai_key"],
  ["JWT split by a zero-width space after each dot", `bearer ${jwt.replaceAll(".", "." + ZWSP)}`, "jwt"],
  ["PEM header with Cyrillic Р, А and Е", "-----BEGIN RSA \u0420RIV\u0410T\u0415 KEY-----\nMIIEowIBAAKCAQEA", "private_key"],
  ["email with a zero-width space before @", `mail ana.person${ZWSP}@example.com`, "email"],
  ["email with a Cyrillic а and a fullwidth ＠", `mail \u0430na.person\uff20example.com`, "email"],
  ["phone in fullwidth digits", `call +${fullwidth("1 415 555 0132")}`, "phone"],
  ["phone split by soft hyphens", `call +1 415${SHY} 555${SHY} 0132`, "phone"],
  ["card split by zero-width spaces", `card ${splice("4111111111111111", ZWSP)}`, "payment_card"],
  ["card in fullwidth digits", `card ${fullwidth("4111 1111 1111 1111")}`, "payment_card"],
];

describe("look-alike and invisible characters do not hide a value", () => {
  test("the issue's 19 variants are all listed", () => expect(EVASIONS).toHaveLength(19));
  for (const [name, text, kind] of EVASIONS) {
    test(name, () => {
      expect(kindsIn(text)).toContain(kind);
      // Offsets refer to the original text: redaction removes the whole disguised value.
      const out = redact(text, scan(text));
      expect(out).toContain(`[REDACTED:${kind}]`);
      expect(out.replace(/\[REDACTED:[a-z0-9_]+\]/g, "")).not.toMatch(/[0-9０-９]{4}|ghp_|sk_live|xoxb|eyJ|ryd_|AKIA|MIIE|@example/);
    });
  }

  test("findings map back to the original text's offsets around removed and widened characters", () => {
    const text = `a${ZWSP}b ${splice(aws, ZWSP)} tail`;
    const [f] = scan(text);
    expect(f).toBeDefined();
    expect(text.slice(f!.start, f!.end).replaceAll(ZWSP, "")).toBe(aws);
    expect(redact(text, scan(text))).toBe(`a${ZWSP}b [REDACTED:aws_access_key_id]${ZWSP} tail`);
    const astral = `n \u{1d7d2}111111111111111 end`; // MATHEMATICAL BOLD DIGIT FOUR + 15 ASCII digits
    expect(redact(astral, scan(astral))).toBe("n [REDACTED:payment_card] end");
  });

  test("normalisation maps each normalised character to its source range", () => {
    const n = normalizeForScan(`x${SHY}\uff21\u0430`);
    expect(n.text).toBe("xAa");
    expect([...n.starts!]).toEqual([0, 2, 3]);
    expect([...n.ends!]).toEqual([1, 3, 4]);
    expect(normalizeForScan("plain ascii").text).toBe("plain ascii");
  });

  test("text without look-alikes is not changed in meaning: prose in other scripts stays clean", () => {
    for (const text of ["Привет, команда: сборка прошла, 212 тестов", "日本語のメモ：テスト２件失敗", "café naïve ﬁle", "Ελληνικά κείμενα χωρίς δεδομένα"]) {
      expect({ text, kinds: kindsIn(text) }).toEqual({ text, kinds: [] });
    }
  });
});

/** Ordinary formats of the issue that were stored, with the kind each must be found as. */
const FORMATS: [string, string][] = [
  ["uploads/ev.person@example.com/avatar.png", "email"],
  ["contact:x@example.com", "email"],
  ["https://cdn.example.test/users/ana.person@example.com/profile", "email"],
  ["receipts/4111111111111111.pdf", "payment_card"],
  ["cards:4111111111111111", "payment_card"],
  ["hr/457-55-5462/w2.pdf", "us_ssn"],
  ["ssn:457-55-5462", "us_ssn"],
  ["UK desk 020 7946 0958", "phone"],
  ["DE Büro 030 12345678", "phone"],
  ["DE mobil 0151 23456789", "phone"],
  ["FR bureau 01 42 68 53 00", "phone"],
  ["FR portable 06.12.34.56.78", "phone"],
  ["JP office 03-1234-5678", "phone"],
  ["JP mobile 090-1234-5678", "phone"],
  ["IN mobile 98765 43210", "phone"],
  ["AU office (02) 9876 5432", "phone"],
  ["AU mobile 0412 345 678", "phone"],
  ["call 4155550132 after 5", "phone"],
  ["phone: 4155550132", "phone"],
  ["tel:+14155550132", "phone"],
  ["card 4111.1111.1111.1111 declined", "payment_card"],
  ["iban de89 3704 0044 0532 0130 00", "iban"],
  ["iban de89370400440532013000", "iban"],
  ["iban gb82west12345698765432", "iban"],
  ["ssn 457.55.5462", "us_ssn"],
  ["----BEGIN RSA PRIVATE KEY----\nMIIEowIBAAKCAQEA", "private_key"],
  ["-----begin rsa private key-----\nMIIEowIBAAKCAQEA", "private_key"],
  ["-----BEGIN Private Key-----\nMIIEowIBAAKCAQEA", "private_key"],
  [`git clone https://${ghp}@github.com/acme/api.git`, "github_token"],
  ["git clone https://Zq8mK2pX9rT4wL7vB3nQ5sD1@git.example.test/acme/api.git", "url_credentials"],
];

describe("ordinary formats that slipped through", () => {
  for (const [text, kind] of FORMATS) {
    test(`${kind}: ${JSON.stringify(text.slice(0, 60))}`, () => expect(kindsIn(text)).toContain(kind));
  }
});

describe("private key bodies without their BEGIN line", () => {
  const body = syntheticKeyBody();
  const pem = ["-----BEGIN RSA PRIVATE KEY-----", ...body, "-----END RSA PRIVATE KEY-----"].join("\n");

  test("a tail that starts inside the key is covered up to and including END", () => {
    for (const cut of [100, 700, pem.length - 500, pem.length - 90]) {
      const tail = pem.slice(cut);
      const out = redact(tail, scan(tail));
      expect(out).toContain("[REDACTED:private_key]");
      // No line of the key survives, not even the partial first one.
      for (const line of body) expect(out).not.toContain(line.slice(-20));
    }
  });

  test("bare body lines with neither BEGIN nor END are found", () => {
    const text = "log: writing key\n" + body.slice(3, 9).join("\n") + "\n12 passed";
    const out = redact(text, scan(text));
    expect(kindsIn(text)).toEqual(["private_key"]);
    expect(out).toBe("log: writing key\n[REDACTED:private_key]\n12 passed");
  });

  test("OpenSSH-width (70) bodies are found too", () => {
    const wide = Buffer.from(Uint8Array.from({ length: 52 * 3 }, (_, i) => (i * 89 + 3) & 0xff)).toString("base64");
    const lines = [wide.slice(0, 70), wide.slice(70, 140), wide.slice(140)];
    expect(kindsIn(lines.join("\n") + "\n-----END OPENSSH PRIVATE KEY-----")).toEqual(["private_key"]);
  });

  test("hex digests, integrity hashes, one base64 line and certificate bodies are not key bodies", () => {
    const sha256 = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
    const cert = ["-----BEGIN CERTIFICATE-----", ...body.slice(0, 4), "-----END CERTIFICATE-----"].join("\n");
    for (const text of [
      `${sha256}\n${sha256}\n${sha256}`,
      `${sha256.toUpperCase()}\n${sha256.toUpperCase()}`,
      `"integrity": "sha512-${Buffer.from(new Uint8Array(64).map((_, i) => i * 7)).toString("base64")}"`,
      `one line ${body[0]}`,
      cert,
      "=".repeat(64) + "\n" + "-".repeat(64),
      "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijkl\nABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFGHIJKL",
    ]) {
      expect({ text: text.slice(0, 40), kinds: kindsIn(text) }).toEqual({ text: text.slice(0, 40), kinds: [] });
    }
  });
});

describe("hard negatives stay clean", () => {
  for (const text of [
    "run 4155550132 done",
    "input_tokens=2147483647",
    "epoch 1715000000 → 1715003600",
    "bytes: 00 11 22 33 44 55 66 77 88 99 aa",
    "ver 0.12.34",
    "src/components/(marketing)/page.tsx",
    "assets/2024/05/01/hero@2x.png",
    "node@20.11.1 and pkg@4.17.21",
    "git@github.com:acme/api.git",
    "ssh://git@git.example.test/acme/api.git",
    "https://deploy-bot@registry.example.test/v2/",
    "build 20240501.1234567890",
    "order 1234-5678-9012",
    "release 457.55.5462.1",
    "phone field renamed: 4155550132ms p95",
    "commit de8937040044053201300a1b2c3d4e5f67890abc",
    "objectid ad1234567890abcdef123456",
    "id 0412345678901234",
    "tokens in 0 12 34",
    "sha 0a1b2c3d4e5f 0123456789",
  ]) {
    test(JSON.stringify(text), () => expect(kindsIn(text)).toEqual([]));
  }
});
