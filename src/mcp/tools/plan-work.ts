import { planWork } from "../../core/run/plan-work.ts";
import { PlanWorkInput, PlanWorkOutput } from "../../core/run/schemas.ts";
import { defineTool } from "../tool.ts";

export const planWorkTool = defineTool({
  name: "plan_work",
  title: "Plan work",
  description: "Plan work units (title, paths to change); repeating one returns it. Out-of-scope paths are violations; the others are claimed for the run, and ones another run holds are conflicts.",
  inputSchema: PlanWorkInput,
  outputSchema: PlanWorkOutput,
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  handler: ({ ctx, args }) => planWork({ ctx, input: args }),
});
