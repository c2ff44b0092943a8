import { UpdateWorkUnitInput, UpdateWorkUnitOutput } from "../../core/run/schemas.ts";
import { violationMessage } from "../../core/run/scope-check.ts";
import { updateWorkUnit } from "../../core/run/update-work-unit.ts";
import { defineTool } from "../tool.ts";

export const updateWorkUnitTool = defineTool({
  name: "update_work_unit",
  title: "Update a work unit",
  description: "Move a work unit along planned → in_progress → done (or failed, skipped, blocked), with an optional note and more paths (added and claimed, never replacing).",
  inputSchema: UpdateWorkUnitInput,
  outputSchema: UpdateWorkUnitOutput,
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  handler: ({ ctx, args }) => updateWorkUnit({ ctx, input: args }),
  attention: (r) => (r.violations.length ? violationMessage(r.violations, `work unit ${r.unit_id} is ${r.status}`) : null),
});
