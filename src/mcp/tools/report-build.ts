import { reportBuild } from "../../core/run/report-build.ts";
import { ReportBuildInput, ReportBuildOutput } from "../../core/run/schemas.ts";
import { defineTool } from "../tool.ts";

export const reportBuildTool = defineTool({
  name: "report_build",
  title: "Report build",
  description: "Report a build, test or lint result: exit code, duration and an optional log tail (500 characters, no secrets).",
  inputSchema: ReportBuildInput,
  outputSchema: ReportBuildOutput,
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  handler: ({ ctx, args }) => reportBuild({ ctx, input: args }),
});
