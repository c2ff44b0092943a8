import type { z } from "zod";
import { invalid } from "./errors.ts";

/**
 * Parses input against a schema, or throws `invalid` naming the fields and what is wrong with
 * them. Values are never echoed back (they could be secrets).
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const problems = result.error.issues.slice(0, 5).map((issue) => {
    const field = issue.path.length ? issue.path.join(".") : "body";
    const message = issue.code === "unrecognized_keys" ? `unknown field(s) ${issue.keys.join(", ")}` : issue.message;
    return { field, message };
  });
  const text = problems.map((p) => `${p.field}: ${p.message}`).join("; ");
  throw invalid(text, { fields: problems.map((p) => p.field) });
}
