import { reportUsage } from "../../core/run/report-usage.ts";
import { ReportUsageInput, ReportUsageOutput } from "../../core/run/schemas.ts";
import { defineTool } from "../tool.ts";

export const reportUsageTool = defineTool({
  name: "report_usage",
  title: "Report usage",
  description: "Add model token usage since your last report to the run (added, not replaced). Returns the totals and the token budget left; at 0 the run waits on a budget checkpoint.",
  inputSchema: ReportUsageInput,
  outputSchema: ReportUsageOutput,
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  handler: ({ ctx, args }) => reportUsage({ ctx, input: args }),
});
