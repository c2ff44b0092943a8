import { requestApproval } from "../../core/run/request-approval.ts";
import { RequestApprovalInput, RequestApprovalOutput } from "../../core/run/schemas.ts";
import { defineTool } from "../tool.ts";

export const requestApprovalTool = defineTool({
  name: "request_approval",
  title: "Request approval",
  description: "Ask a lead to approve a risky step. Returns a checkpoint id; advance_phase is refused while it is pending. Wait with get_checkpoint; if rejected, do not take the step.",
  inputSchema: RequestApprovalInput,
  outputSchema: RequestApprovalOutput,
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  handler: ({ ctx, args }) => requestApproval({ ctx, input: args }),
});
