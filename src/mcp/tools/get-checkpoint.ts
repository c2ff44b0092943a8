import { getCheckpoint } from "../../core/checkpoint/get-checkpoint.ts";
import { GetCheckpointInput } from "../../core/checkpoint/schemas.ts";
import { CheckpointView } from "../../core/run/schemas.ts";
import { defineTool } from "../tool.ts";

export const getCheckpointTool = defineTool({
  name: "get_checkpoint",
  title: "Get checkpoint",
  description: "State of a checkpoint: pending, approved, rejected or expired, with the decider's role and reason. wait_seconds (0-25) long-polls for a decision.",
  inputSchema: GetCheckpointInput,
  outputSchema: CheckpointView,
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  handler: ({ ctx, args, signal }) => getCheckpoint({ ctx, input: args, signal }),
});
