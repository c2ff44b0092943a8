import { getCheckpoint } from "../../core/checkpoint/get-checkpoint.ts";
import { GetCheckpointInput } from "../../core/checkpoint/schemas.ts";
import { CheckpointView } from "../../core/run/schemas.ts";
import { defineTool } from "../tool.ts";

export const getCheckpointTool = defineTool({
  name: "get_checkpoint",
  title: "Get checkpoint",
  description: "A checkpoint's state (pending, approved, rejected, expired), the decider's role and reason; wait_seconds long-polls. Approved gate: advance_phase again; rejected: do not take the step.",
  // The core's schema, with the descriptions an agent reads in tools/list (same validation).
  inputSchema: GetCheckpointInput.extend({
    checkpoint_id: GetCheckpointInput.shape.checkpoint_id.describe("The checkpoint id advance_phase, request_approval or get_run returned (ck_…)."),
    wait_seconds: GetCheckpointInput.shape.wait_seconds.describe("Seconds to wait for a decision before answering (0-25, default 0); call again while it stays pending."),
  }),
  outputSchema: CheckpointView,
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  handler: ({ ctx, args, signal }) => getCheckpoint({ ctx, input: args, signal }),
});
