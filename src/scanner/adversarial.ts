// Inputs designed to make a careless scanner backtrack or loop quadratically: long runs of the
// characters rules anchor on, and keyword stuffing. Shared by the linear-time test and the benchmark.

const SIZE = 64 * 1024;

function fill(unit: string): string {
  return unit.repeat(Math.ceil(SIZE / unit.length)).slice(0, SIZE);
}

/** Named 64 KB strings, each aimed at one or more rules. */
export const ADVERSARIAL_INPUTS: readonly { name: string; text: string }[] = [
  { name: "a-run", text: fill("a") },
  { name: "at-run", text: fill("@") },
  { name: "a@-alternating", text: fill("a@") },
  { name: "digit-run", text: fill("7") },
  { name: "digits-spaced", text: fill("4111 ") },
  { name: "dash-run", text: fill("-") },
  { name: "dot-run", text: fill(".") },
  { name: "digit-dot", text: fill("1.") },
  { name: "equals-run", text: fill("=") },
  { name: "colon-run", text: fill(":") },
  { name: "hex-colon", text: fill("ab:") },
  { name: "password-stuffing", text: fill("password=") },
  { name: "token-colon-stuffing", text: fill("token: ") },
  { name: "scheme-stuffing", text: fill("https://a:") },
  { name: "eyJ-stuffing", text: fill("eyJ") },
  { name: "eyJ-dots", text: fill("eyJhbGciOi.") },
  { name: "begin-stuffing", text: fill("-----BEGIN ") },
  { name: "private-key-no-end", text: fill("-----BEGIN RSA PRIVATE KEY-----") },
  { name: "prefix-stuffing", text: fill("ghp_sk-ant-AKIA xoxb-") },
  { name: "base64-run", text: fill("Ab0+") },
  { name: "plus-digits", text: fill("+1 (") },
  { name: "upper-digits", text: fill("DE89") },
  { name: "base64-lines", text: fill("Ab0+Cd1/Ef2+Gh3/Ij4+Kl5/Mn6+Op7/Qr8+St9/Uv0+Wx1/Yz2+Ab3/Cd4+Ef5/\n") },
  { name: "end-stuffing", text: fill("-----END PRIVATE KEY-----\n") },
  { name: "code-lines", text: fill("const x = f(a);\n") },
  { name: "diff-lines", text: fill("@@ -1,2 +1,2 @@\n+a\n") },
  { name: "fence-stuffing", text: fill("```\n") },
  { name: "invisible-run", text: fill("a\u200b\u0430\uff11") },
  { name: "role-turns", text: fill("User: x\n") },
];
