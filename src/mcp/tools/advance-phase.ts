import { advancePhase } from "../../core/run/advance-phase.ts";
import { AdvancePhaseInput, AdvancePhaseOutput } from "../../core/run/schemas.ts";
import { defineTool } from "../tool.ts";

export const advancePhaseTool = defineTool({
  name: "advance_phase",
  title: "Advance phase",
  description: "Move the run to its next phase (or back to an earlier one). A gated phase returns a pending checkpoint id: wait with get_checkpoint, then call again. A refusal names the missing evidence.",
  inputSchema: AdvancePhaseInput,
  outputSchema: AdvancePhaseOutput,
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  handler: ({ ctx, args }) => advancePhase({ ctx, input: args }),
});
