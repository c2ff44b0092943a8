import type { z } from "zod";
import type { Ctx } from "../core/context.ts";

/** All four MCP tool annotations, always set explicitly (clients must not have to guess defaults). */
export interface ToolAnnotations {
  readonly readOnlyHint: boolean;
  readonly destructiveHint: boolean;
  readonly idempotentHint: boolean;
  readonly openWorldHint: boolean;
}

export interface ToolCall {
  readonly ctx: Ctx;
  readonly args: unknown;
  /** Aborted when the client goes away (ends long polls early). */
  readonly signal: AbortSignal;
}

/** One MCP tool: its schemas, description and annotations are constants; the handler calls one core verb. */
export interface ToolDef<O extends z.ZodType = z.ZodType> {
  readonly name: string;
  readonly title: string;
  readonly description: string;
  readonly inputSchema: z.ZodType;
  readonly outputSchema: O;
  readonly annotations: ToolAnnotations;
  readonly handler: (call: ToolCall) => z.infer<O> | Promise<z.infer<O>>;
  /** A message when a successful result still needs the agent's attention (recorded scope violations): the result is then flagged isError. */
  readonly attention?: (result: z.infer<O>) => string | null;
}

export function defineTool<O extends z.ZodType>(def: ToolDef<O>): ToolDef<O> {
  return Object.freeze({ ...def, annotations: Object.freeze({ ...def.annotations }) });
}
