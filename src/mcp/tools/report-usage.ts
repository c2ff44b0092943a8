import { reportUsage } from "../../core/run/report-usage.ts";
import { ReportUsageInput, ReportUsageOutput } from "../../core/run/schemas.ts";
import { defineTool } from "../tool.ts";

export const reportUsageTool = defineTool({
  name: "report_usage",
  title: "Report usage",
  description: "Add model token usage since your last report (model, input, output and cache tokens, calls) to the run: the numbers are added to its totals, not replaced. Returns the new totals.",
  inputSchema: ReportUsageInput,
  outputSchema: ReportUsageOutput,
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  handler: ({ ctx, args }) => reportUsage({ ctx, input: args }),
});
