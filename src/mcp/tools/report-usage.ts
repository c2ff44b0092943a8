import { reportUsage } from "../../core/run/report-usage.ts";
import { ReportUsageInput, ReportUsageOutput } from "../../core/run/schemas.ts";
import { defineTool } from "../tool.ts";

export const reportUsageTool = defineTool({
  name: "report_usage",
  title: "Report usage",
  description: "Report model token usage for the run (model name, input, output and cache tokens, calls). Returns the run totals.",
  inputSchema: ReportUsageInput,
  outputSchema: ReportUsageOutput,
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  handler: ({ ctx, args }) => reportUsage({ ctx, input: args }),
});
