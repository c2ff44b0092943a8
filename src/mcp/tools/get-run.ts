import { getRunState } from "../../core/run/get-run-state.ts";
import { GetRunStateInput, GetRunStateOutput } from "../../core/run/schemas.ts";
import { defineTool } from "../tool.ts";

export const getRunTool = defineTool({
  name: "get_run",
  title: "Get a run",
  description: "Find your place after losing context: without run_id, your open runs; with one, its phase, status, units, pending checkpoints, claims and the phases you may enter next.",
  inputSchema: GetRunStateInput,
  outputSchema: GetRunStateOutput,
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  handler: ({ ctx, args }) => getRunState({ ctx, input: args }),
});
