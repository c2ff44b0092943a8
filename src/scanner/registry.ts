// The ordered list of rules. Order does not change results (overlaps are resolved by priority).
import type { Rule } from "./rule.ts";
import { codeRule, promptRule } from "./rules/code.ts";
import { emailRule } from "./rules/email.ts";
import { genericAssignmentRule } from "./rules/generic-assignment.ts";
import { ibanRule } from "./rules/iban.ts";
import { ipAddressRule } from "./rules/ip-address.ts";
import { jwtRule } from "./rules/jwt.ts";
import { paymentCardRule } from "./rules/payment-card.ts";
import { phoneRule } from "./rules/phone.ts";
import { privateKeyBodyRule, privateKeyRule } from "./rules/private-key.ts";
import { providerKeysRule } from "./rules/provider-keys.ts";
import { ssnRule } from "./rules/ssn.ts";
import { urlCredentialsRule } from "./rules/url-credentials.ts";

export const RULES: readonly Rule[] = [
  privateKeyRule,
  privateKeyBodyRule,
  providerKeysRule,
  jwtRule,
  urlCredentialsRule,
  genericAssignmentRule,
  emailRule,
  phoneRule,
  paymentCardRule,
  ibanRule,
  ssnRule,
  ipAddressRule,
  codeRule,
  promptRule,
];
