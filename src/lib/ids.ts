/** Server-side id formats: a short type prefix and 20 base62-ish characters of randomness. */
const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

export const ID_PREFIXES = [
  "usr", "ses", "key", "prj", "mod", "rbk", "rbv", "rbc", "run", "wu", "ck", "bld", "use", "fr", "vio", "dft", "note",
  "ast",
  "chn", "nob", "dlv",
  "rbp",
] as const;
export type IdPrefix = (typeof ID_PREFIXES)[number];

const ID_BODY_LENGTH = 20;

/** Makes a new random id such as `run_4fQ2…`. */
export function newId(prefix: IdPrefix): string {
  const bytes = crypto.getRandomValues(new Uint8Array(ID_BODY_LENGTH));
  let body = "";
  // 256 % 62 bias is irrelevant for identifiers (they are unique, not secret).
  for (const b of bytes) body += ALPHABET[b % 62];
  return `${prefix}_${body}`;
}

/** A regular expression source matching ids with the given prefix (for schemas). */
export function idPattern(prefix: IdPrefix): RegExp {
  return new RegExp(`^${prefix}_[0-9A-Za-z]{${ID_BODY_LENGTH}}$`);
}
