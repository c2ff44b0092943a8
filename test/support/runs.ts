// Reads of a run's stored state through the storage port (never the driver), for assertions.
import type { StoredEvent } from "../../src/core/audit/append-event.ts";
import type { RunRow, WorkUnitRow } from "../../src/core/run/queries.ts";
import type { TestApp } from "./app.ts";

const ALL = 100_000;

export async function runRow(app: TestApp, runId: string): Promise<RunRow> {
  const row = await app.store.read.runs.byId(runId);
  if (!row) throw new Error(`no run ${runId}`);
  return row;
}

export async function unitRow(app: TestApp, runId: string, unitId: string): Promise<WorkUnitRow> {
  const row = await app.store.read.runs.unit(runId, unitId);
  if (!row) throw new Error(`no unit ${unitId} in run ${runId}`);
  return row;
}

/** Audit events (all of them, or of one type and/or run), oldest first. */
export async function eventsOf(app: TestApp, filter: { type?: string; runId?: string } = {}): Promise<StoredEvent[]> {
  const page = await app.store.read.audit.page({
    visibility: { kind: "all" }, type: filter.type ?? null, actor: null, runId: filter.runId ?? null, projectId: null, since: null, until: null, beforeSeq: null, limit: ALL,
  });
  return page.reverse();
}

export const totalEvents = (app: TestApp): Promise<number> => app.store.read.audit.count();

/** Everything a run owns (and the trail's length), for "changes nothing" assertions. */
export async function runSnapshot(app: TestApp, runId: string) {
  const q = app.store.read.runs;
  const run = await runRow(app, runId);
  return {
    run,
    units: await q.units(runId, ALL),
    files: await q.files(runId, ALL),
    builds: await q.builds(runId, ALL),
    usage: await q.usage(runId, ALL),
    checkpoints: await q.checkpoints(runId, ALL),
    drift: await q.drift(runId, ALL),
    notes: (await app.store.read.knowledge.recent(run.projectId, ALL, null)).filter((n) => n.runId === runId),
    events: await totalEvents(app),
  };
}
