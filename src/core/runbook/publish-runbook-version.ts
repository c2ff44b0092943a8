import { newId } from "../../lib/ids.ts";
import type { Ctx } from "../context.ts";
import { forbidden, invalid, notFound } from "../errors.ts";
import { can } from "../roles.ts";
import { screenInput } from "../scan/screen-input.ts";
import { transact } from "../transact.ts";
import { parseInput } from "../validate.ts";
import { loosenings } from "./loosening.ts";
import { insertNextVersion } from "./insert-version.ts";
import { latestVersion } from "./read-runbook.ts";
import { changeView } from "./runbook-change.ts";
import { normalisePhases, PublishRunbookVersionInput, type PhaseDef, type PublishResult } from "./schemas.ts";

/**
 * Publishes a new immutable version of a runbook; runs already started keep their version. A
 * version that loosens the process (a gate removed or lowered, exit evidence dropped, a gated phase
 * removed) is not published: it becomes a pending change that a second person must approve
 * (DESIGN §13), so one lead cannot remove the gates and ship alone. Tightening applies at once.
 */
export async function publishRunbookVersion({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<PublishResult> {
  if (ctx.actor.kind !== "human" || !can(ctx.actor.role, "runbooks.edit")) throw forbidden("only a lead, admin or owner may edit runbooks");
  const actor = ctx.actor;
  const data = parseInput(PublishRunbookVersionInput, input);
  const names = data.phases.map((p) => p.name);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup) throw invalid(`phases: the phase name '${dup}' appears twice`, { fields: ["phases"] });
  if (data.phases[0]!.gate) throw invalid("phases.0.gate: the first phase cannot be gated (a run starts in it)", { fields: ["phases.0.gate"] });
  // Phase names reach agents; they are short identifiers, but screen them like any other text.
  await screenInput(ctx, names.map((n, i) => ({ field: `phases.${i}.name`, value: n })));
  const phases = normalisePhases(data.phases);
  return transact(ctx, async (tx, record): Promise<PublishResult> => {
    const book = await tx.runbooks.byId(data.runbookId);
    if (!book) throw notFound(`runbook '${data.runbookId}'`);
    const now = ctx.clock.now();
    const base = await latestVersion(tx, book.id);
    const loose = base ? loosenings(base.phases as PhaseDef[], phases) : [];
    if (!base || loose.length === 0) return { version: await insertNextVersion(tx, record, book, phases, actor.userId, now) };
    const change = {
      id: newId("rbc"), runbookId: book.id, baseVersionId: base.id, phases, loosenings: loose, status: "pending" as const,
      proposedBy: actor.userId, proposedAt: now, decidedBy: null, decidedAt: null, decisionReason: null, versionId: null,
    };
    await tx.runbooks.insertChange(change);
    await record({ type: "runbook.change_proposed", subject: book.id, projectId: book.projectId, meta: { changeId: change.id, baseVersionId: base.id, loosenings: loose.length, phases: phases.length } });
    return { change: changeView(actor, change) };
  });
}
