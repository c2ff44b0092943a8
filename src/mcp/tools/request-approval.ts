import { requestApproval } from "../../core/run/request-approval.ts";
import { RequestApprovalInput, RequestApprovalOutput } from "../../core/run/schemas.ts";
import { defineTool } from "../tool.ts";

export const requestApprovalTool = defineTool({
  name: "request_approval",
  title: "Request approval",
  description: "Ask a person to approve a risky step (destructive action, scope exception, dependency change, release). Returns a checkpoint id.",
  inputSchema: RequestApprovalInput,
  outputSchema: RequestApprovalOutput,
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  handler: ({ ctx, args }) => requestApproval({ ctx, input: args }),
});
