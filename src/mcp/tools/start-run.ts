import { StartRunInput, StartRunOutput } from "../../core/run/schemas.ts";
import { startRun } from "../../core/run/start-run.ts";
import { defineTool } from "../tool.ts";

export const startRunTool = defineTool({
  name: "start_run",
  title: "Start a run",
  description: "Start a run (one story) on a project; call first. Returns the run id, runbook phases, your scope and team notes, and warns when you already have an open run like it (see get_run).",
  inputSchema: StartRunInput,
  outputSchema: StartRunOutput,
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  handler: ({ ctx, args }) => startRun({ ctx, input: args }),
});
