import { getScope } from "../../core/run/get-scope.ts";
import { GetScopeInput, GetScopeOutput } from "../../core/run/schemas.ts";
import { defineTool } from "../tool.ts";

export const getScopeTool = defineTool({
  name: "get_scope",
  title: "Get scope",
  description: "Your scope in a project: editable, read-only and excluded globs (a path matching none is unlisted: allowed), and the paths your open runs claim and their conflicts.",
  inputSchema: GetScopeInput,
  outputSchema: GetScopeOutput,
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  handler: ({ ctx, args }) => getScope({ ctx, input: args }),
});
