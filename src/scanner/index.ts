// The PII and secret scanner (DESIGN.md section 6): pure, synchronous, linear-time.
export { scan } from "./scan.ts";
export { redact } from "./redact.ts";
export { SCANNER_KINDS, categoryOf, type Category, type Finding, type FindingKind, type Validation } from "./kinds.ts";
