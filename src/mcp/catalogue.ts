// The whole MCP surface (DESIGN.md section 5), frozen at compile time (rule 5): no setting, row,
// environment variable or request can change it. Its SHA-256 is published so clients can pin it.
import { z } from "zod";
import { sha256Hex } from "../lib/hash.ts";
import type { ToolDef } from "./tool.ts";
import { advancePhaseTool } from "./tools/advance-phase.ts";
import { finishRunTool } from "./tools/finish-run.ts";
import { getCheckpointTool } from "./tools/get-checkpoint.ts";
import { getRunTool } from "./tools/get-run.ts";
import { getScopeTool } from "./tools/get-scope.ts";
import { linkChangeTool } from "./tools/link-change.ts";
import { planWorkTool } from "./tools/plan-work.ts";
import { reportBuildTool } from "./tools/report-build.ts";
import { reportFilesTool } from "./tools/report-files.ts";
import { reportUsageTool } from "./tools/report-usage.ts";
import { requestApprovalTool } from "./tools/request-approval.ts";
import { startRunTool } from "./tools/start-run.ts";
import { updateWorkUnitTool } from "./tools/update-work-unit.ts";

export const TOOLS: readonly ToolDef[] = Object.freeze([
  startRunTool,
  getScopeTool,
  planWorkTool,
  updateWorkUnitTool,
  reportFilesTool,
  advancePhaseTool,
  requestApprovalTool,
  getCheckpointTool,
  reportBuildTool,
  reportUsageTool,
  linkChangeTool,
  getRunTool,
  finishRunTool,
] as ToolDef[]);

export const TOOLS_BY_NAME: ReadonlyMap<string, ToolDef> = new Map(TOOLS.map((t) => [t.name, t]));

/** A tool as `tools/list` shows it. */
export interface ListedTool {
  readonly name: string;
  readonly title: string;
  readonly description: string;
  readonly inputSchema: Record<string, unknown>;
  readonly outputSchema: Record<string, unknown>;
  readonly annotations: ToolDef["annotations"];
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object") {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

function jsonSchema(schema: z.ZodType, io: "input" | "output"): Record<string, unknown> {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: "throw" }) as Record<string, unknown>;
  return rest;
}

/** Exactly what `tools/list` returns, computed once. */
export const LISTED_TOOLS: readonly ListedTool[] = deepFreeze(TOOLS.map((t) => ({
  name: t.name,
  title: t.title,
  description: t.description,
  inputSchema: jsonSchema(t.inputSchema, "input"),
  outputSchema: jsonSchema(t.outputSchema, "output"),
  annotations: { ...t.annotations },
})));

/** JSON with object keys sorted at every level, so the hash does not depend on key order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(",")}}`;
  }
  return JSON.stringify(value);
}

/** SHA-256 (hex) of the canonical JSON of the listed tools: names, descriptions, schemas, annotations. */
export const CATALOGUE_SHA256: string = sha256Hex(canonicalJson(LISTED_TOOLS));

/** The catalogue as `GET /api/catalogue` serves it. */
export function catalogueDocument(): { tools: readonly ListedTool[]; sha256: string } {
  return { tools: LISTED_TOOLS, sha256: CATALOGUE_SHA256 };
}
