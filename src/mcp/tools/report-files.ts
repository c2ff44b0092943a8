import { reportFiles } from "../../core/run/report-files.ts";
import { ReportFilesInput, ReportFilesOutput } from "../../core/run/schemas.ts";
import { violationMessage } from "../../core/run/scope-check.ts";
import { defineTool } from "../tool.ts";

export const reportFilesTool = defineTool({
  name: "report_files",
  title: "Report files",
  description: "Report paths you read, modified, created or deleted. Each is classified against your scope (violations recorded); changed paths are claimed, and ones another run holds are conflicts.",
  inputSchema: ReportFilesInput,
  outputSchema: ReportFilesOutput,
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  handler: ({ ctx, args }) => reportFiles({ ctx, input: args }),
  attention: (r) => (r.violations.length ? violationMessage(r.violations, `recorded ${r.files.length} path(s)`) : null),
});
