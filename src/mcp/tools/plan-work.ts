import { planWork } from "../../core/run/plan-work.ts";
import { PlanWorkInput, PlanWorkOutput } from "../../core/run/schemas.ts";
import { defineTool } from "../tool.ts";

export const planWorkTool = defineTool({
  name: "plan_work",
  title: "Plan work",
  description: "Record a run's plan as work units (title, repository-relative paths); repeating a unit returns the one already planned. Paths outside your editable scope are reported as violations.",
  inputSchema: PlanWorkInput,
  outputSchema: PlanWorkOutput,
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  handler: ({ ctx, args }) => planWork({ ctx, input: args }),
});
