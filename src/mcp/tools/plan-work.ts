import { planWork } from "../../core/run/plan-work.ts";
import { PlanWorkInput, PlanWorkOutput } from "../../core/run/schemas.ts";
import { defineTool } from "../tool.ts";

export const planWorkTool = defineTool({
  name: "plan_work",
  title: "Plan work",
  description: "Record the plan of a run as work units (title and repository-relative paths). Paths outside your editable scope are reported as violations.",
  inputSchema: PlanWorkInput,
  outputSchema: PlanWorkOutput,
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  handler: ({ ctx, args }) => planWork({ ctx, input: args }),
});
