import { linkChange } from "../../core/run/link-change.ts";
import { LinkChangeInput, LinkChangeOutput } from "../../core/run/schemas.ts";
import { defineTool } from "../tool.ts";

export const linkChangeTool = defineTool({
  name: "link_change",
  title: "Link change",
  description: "Link a branch, pull request URL or commit SHA to the run.",
  inputSchema: LinkChangeInput,
  outputSchema: LinkChangeOutput,
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  handler: ({ ctx, args }) => linkChange({ ctx, input: args }),
});
