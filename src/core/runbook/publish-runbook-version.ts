import { newId } from "../../lib/ids.ts";
import type { Ctx } from "../context.ts";
import { forbidden, invalid, notFound } from "../errors.ts";
import { can } from "../roles.ts";
import { screenInput } from "../scan/screen-input.ts";
import { transact } from "../transact.ts";
import { parseInput } from "../validate.ts";
import { latestVersion, versionView } from "./read-runbook.ts";
import { normalisePhases, PublishRunbookVersionInput, type RunbookVersionView } from "./schemas.ts";

/** Publishes a new immutable version of a runbook; runs already started keep their version. */
export async function publishRunbookVersion({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<RunbookVersionView> {
  if (ctx.actor.kind !== "human" || !can(ctx.actor.role, "runbooks.edit")) throw forbidden("only a lead, admin or owner may edit runbooks");
  const data = parseInput(PublishRunbookVersionInput, input);
  const names = data.phases.map((p) => p.name);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup) throw invalid(`phases: the phase name '${dup}' appears twice`, { fields: ["phases"] });
  if (data.phases[0]!.gate) throw invalid("phases.0.gate: the first phase cannot be gated (a run starts in it)", { fields: ["phases.0.gate"] });
  // Phase names reach agents; they are short identifiers, but screen them like any other text.
  await screenInput(ctx, names.map((n, i) => ({ field: `phases.${i}.name`, value: n })));
  const phases = normalisePhases(data.phases);
  const userId = ctx.actor.userId;
  return transact(ctx, async (tx, record) => {
    const book = await tx.runbooks.byId(data.runbookId);
    if (!book) throw notFound(`runbook '${data.runbookId}'`);
    const version = ((await latestVersion(tx, book.id))?.version ?? 0) + 1;
    const row = { id: newId("rbv"), runbookId: book.id, version, phases, createdBy: userId, createdAt: ctx.clock.now() };
    await tx.runbooks.insertVersion(row);
    await record({ type: "runbook.published", subject: book.id, projectId: book.projectId, meta: { version, versionId: row.id, phases: phases.length } });
    return versionView(row);
  });
}
