import { finishRun } from "../../core/run/finish-run.ts";
import { FinishRunInput, FinishRunOutput } from "../../core/run/schemas.ts";
import { defineTool } from "../tool.ts";

export const finishRunTool = defineTool({
  name: "finish_run",
  title: "Finish run",
  description: "Finish the run as completed (from the last phase only), failed or cancelled, with a summary and up to 5 learnings; its claims end and pending checkpoints expire.",
  inputSchema: FinishRunInput,
  outputSchema: FinishRunOutput,
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false },
  handler: ({ ctx, args }) => finishRun({ ctx, input: args }),
});
