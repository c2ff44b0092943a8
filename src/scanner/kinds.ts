// Every kind the scanner reports, with its category. The list is data so docs, the CLI and
// callers (the policy layer, audit events) can enumerate it without running the scanner.

/** `code`: source code, a diff or a prompt in a metadata field (rule 2), refused like a secret. */
export type Category = "pii" | "secret" | "code";

export const SCANNER_KINDS = [
  { kind: "email", category: "pii", validation: "syntax" },
  { kind: "phone", category: "pii", validation: "syntax" },
  { kind: "payment_card", category: "pii", validation: "checksum" },
  { kind: "iban", category: "pii", validation: "checksum" },
  { kind: "us_ssn", category: "pii", validation: "syntax" },
  { kind: "ipv4", category: "pii", validation: "syntax" },
  { kind: "ipv6", category: "pii", validation: "syntax" },
  { kind: "private_key", category: "secret", validation: "prefix" },
  { kind: "jwt", category: "secret", validation: "checksum" },
  { kind: "url_credentials", category: "secret", validation: "syntax" },
  { kind: "generic_secret", category: "secret", validation: "heuristic" },
  { kind: "aws_access_key_id", category: "secret", validation: "prefix" },
  { kind: "github_token", category: "secret", validation: "checksum" },
  { kind: "gitlab_token", category: "secret", validation: "prefix" },
  { kind: "slack_token", category: "secret", validation: "prefix" },
  { kind: "slack_webhook", category: "secret", validation: "prefix" },
  { kind: "stripe_key", category: "secret", validation: "prefix" },
  { kind: "openai_key", category: "secret", validation: "prefix" },
  { kind: "anthropic_key", category: "secret", validation: "prefix" },
  { kind: "google_api_key", category: "secret", validation: "prefix" },
  { kind: "azure_storage_key", category: "secret", validation: "checksum" },
  { kind: "azure_sas_token", category: "secret", validation: "checksum" },
  { kind: "twilio_key", category: "secret", validation: "prefix" },
  { kind: "sendgrid_key", category: "secret", validation: "prefix" },
  { kind: "npm_token", category: "secret", validation: "checksum" },
  { kind: "pypi_token", category: "secret", validation: "prefix" },
  { kind: "dockerhub_token", category: "secret", validation: "prefix" },
  { kind: "huggingface_token", category: "secret", validation: "prefix" },
  { kind: "railyard_key", category: "secret", validation: "checksum" },
  { kind: "shopify_token", category: "secret", validation: "prefix" },
  { kind: "digitalocean_token", category: "secret", validation: "prefix" },
  { kind: "mailgun_key", category: "secret", validation: "prefix" },
  { kind: "square_token", category: "secret", validation: "prefix" },
  { kind: "atlassian_token", category: "secret", validation: "prefix" },
  { kind: "linear_key", category: "secret", validation: "prefix" },
  { kind: "databricks_token", category: "secret", validation: "prefix" },
  { kind: "postman_key", category: "secret", validation: "prefix" },
  { kind: "doppler_token", category: "secret", validation: "prefix" },
  { kind: "vault_token", category: "secret", validation: "prefix" },
  { kind: "age_secret_key", category: "secret", validation: "checksum" },
  { kind: "pulumi_token", category: "secret", validation: "prefix" },
  { kind: "grafana_token", category: "secret", validation: "prefix" },
  { kind: "newrelic_key", category: "secret", validation: "prefix" },
  { kind: "code", category: "code", validation: "heuristic" },
] as const satisfies readonly { kind: string; category: Category; validation: string }[];

/** A kind of finding, e.g. `email` or `github_token`. */
export type FindingKind = (typeof SCANNER_KINDS)[number]["kind"];

/**
 * How a kind is recognised: `checksum` (a check digit, CRC or structural decode must verify),
 * `prefix` (a published fixed prefix plus an exact shape), `syntax` (a strict grammar) or
 * `heuristic` (keyword + entropy). The corpus test holds checksum and prefix kinds to a higher recall.
 */
export type Validation = (typeof SCANNER_KINDS)[number]["validation"];

export interface Finding {
  kind: FindingKind;
  category: Category;
  /** UTF-16 offset of the first character of the match. */
  start: number;
  /** UTF-16 offset just past the match. */
  end: number;
}

const CATEGORY_BY_KIND = new Map<string, Category>(SCANNER_KINDS.map((k) => [k.kind, k.category]));

/** The category of a kind. */
export function categoryOf(kind: FindingKind): Category {
  return CATEGORY_BY_KIND.get(kind)!;
}
