import { getScope } from "../../core/run/get-scope.ts";
import { GetScopeInput, ScopeView } from "../../core/run/schemas.ts";
import { defineTool } from "../tool.ts";

export const getScopeTool = defineTool({
  name: "get_scope",
  title: "Get scope",
  description: "Your scope manifest for a project: editable, read-only and excluded path globs. Only change editable paths.",
  inputSchema: GetScopeInput,
  outputSchema: ScopeView,
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  handler: ({ ctx, args }) => getScope({ ctx, input: args }),
});
