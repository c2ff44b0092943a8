// The shared-brain notes start_run hands an agent: at most 10 of the project's notes, ranked by how
// many of each note's paths lie in the caller's editable scope, most recent first among equals;
// notes only about modules excluded for the caller are left out, other projects' notes never appear.
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import type { Actor } from "../../../src/core/context.ts";
import { listNotes } from "../../../src/core/knowledge/list-notes.ts";
import { recordNote } from "../../../src/core/knowledge/record-note.ts";
import { approveNote } from "../../../src/core/knowledge/review-note.ts";
import { createModule } from "../../../src/core/project/create-module.ts";
import { createProject } from "../../../src/core/project/create-project.ts";
import { startRun } from "../../../src/core/run/start-run.ts";
import { createTestApp, seedUser, type TestApp } from "../../support/app.ts";
import { callTool } from "../../support/mcp-call.ts";
import { seedAgent, type Agent } from "../../support/mcp.ts";
import { CANARY_PATH, CANARY_STRINGS, seedCanaryProject } from "../../support/projects.ts";

let app: TestApp;
let dev: Agent;
let lead: Agent;
let author: Actor;
beforeEach(async () => {
  app = await createTestApp();
  await seedCanaryProject(app);
  dev = await seedAgent(app, "developer");
  lead = await seedAgent(app, "lead");
  author = (await seedUser(app, "admin")).actor;
});
afterEach(() => app.dispose());

/** Records a note by a person, one second after the previous one (so recency is unambiguous). */
async function note(body: string, paths: string[] = [], project = "shop"): Promise<string> {
  app.clock.advance(1000);
  return (await recordNote({ ctx: app.ctx(author), input: { project, body, ...(paths.length ? { paths } : {}) } })).id;
}

/** Sequentially (each a second after the previous one), so recency is unambiguous. */
async function noteSeries(count: number, body: (i: number) => string, paths: string[] = [], project = "shop"): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) ids.push(await note(body(i), paths, project));
  return ids;
}

const notesFor = async (agent: Agent, project = "shop") => (await startRun({ ctx: app.ctx(agent.actor), input: { project, title: "Read the brain" } })).notes;
/** Every note of the project as an unmasked reader (the admin author) sees it. */
const allNotes = (project = "shop") => listNotes({ ctx: app.ctx(author), input: { project, limit: 200 } });

describe("ranking and bound", () => {
  test("at most 10: notes with more editable paths first, then the most recent; read-only and unlisted paths do not count", async () => {
    const two = await note("two editable paths", ["src/api/a.ts", "src/api/b.ts"]);
    const one = await note("one editable path, one read-only", ["src/api/c.ts", "docs/x.md"]);
    const plain = await noteSeries(12, (i) => `plain note ${i}`);
    const readOnly = await note("read-only paths only", ["docs/guide.md", "vendor/lib.js"]);
    const unlisted = await note("an unlisted path", ["lib/tool.ts"]);
    const notes = await notesFor(dev);
    expect(notes).toHaveLength(10);
    expect(notes.map((n) => n.id)).toEqual([two, one, unlisted, readOnly, ...plain.slice(-6).reverse()]);
  });

  test("equal relevance is ordered by recency: a newer one-path note ranks above an older one-path note", async () => {
    const older = await note("older", ["src/api/old.ts"]);
    const newer = await note("newer", ["src/api/new.ts"]);
    const plain = await note("newest but no paths");
    expect((await notesFor(dev)).map((n) => n.id)).toEqual([newer, older, plain]);
  });

  test("each note carries its body, its paths, who wrote it and when (ISO)", async () => {
    const id = await note("Invoices are computed in cents.", ["src/api/invoices.ts"]);
    const [view] = await notesFor(dev);
    expect(view).toEqual({ id, body: "Invoices are computed in cents.", paths: ["src/api/invoices.ts"], author_kind: "human", created_at: new Date(app.clock.now()).toISOString() });
  });

  test("a project without notes gives an empty list", async () => {
    expect(await notesFor(dev)).toEqual([]);
  });
});

describe("scope of the caller", () => {
  test("a note only about a module excluded for the caller is left out; a mixed note loses the excluded paths", async () => {
    const billing = await note("Billing rounding lives in one helper.", [CANARY_PATH]);
    const mixed = await note("The API calls billing through one client.", ["src/api/client.ts", CANARY_PATH]);
    const plain = await note("Run tests with the fast flag.");
    const notes = await notesFor(dev);
    expect(notes.map((n) => n.id)).toEqual([mixed, plain]);
    expect(notes[0]!.paths).toEqual(["src/api/client.ts"]);
    expect(notes.map((n) => n.id)).not.toContain(billing);
    for (const canary of CANARY_STRINGS) expect(JSON.stringify(notes)).not.toContain(canary);
  });

  test("for a role that may edit that module, the same notes rank by its own editable overlap", async () => {
    const billing = await note("Billing rounding lives in one helper.", [CANARY_PATH]);
    const mixed = await note("The API calls billing through one client.", ["src/api/client.ts", CANARY_PATH]);
    const plain = await note("Run tests with the fast flag.");
    const notes = await notesFor(lead);
    expect(notes.map((n) => n.id)).toEqual([mixed, billing, plain]);
    expect(notes[0]!.paths).toEqual(["src/api/client.ts", CANARY_PATH]);
  });

  test("notes of another project never appear, however relevant their paths", async () => {
    const ctx = app.ctx();
    await createProject({ ctx, input: { slug: "ledger", name: "Ledger" } });
    await createModule({ ctx, input: { projectSlug: "ledger", name: "api", globs: ["src/api/**"] } });
    const foreign = await noteSeries(11, (i) => `ledger note ${i}`, ["src/api/a.ts", "src/api/b.ts"], "ledger");
    const own = await note("the only shop note");
    expect((await notesFor(dev)).map((n) => n.id)).toEqual([own]);
    const ledger = (await notesFor(dev, "ledger")).map((n) => n.id);
    expect(ledger).toHaveLength(10);
    expect(ledger).not.toContain(own);
    expect(foreign).toEqual(expect.arrayContaining(ledger));
  });
});

describe("learnings from finish_run (through /mcp)", () => {
  test("stay proposed and reach no agent until a person approves them; then appear marked agent-written, tagged with the run's paths and ranked by them", async () => {
    const call = async (name: string, args: unknown) => {
      const r = await callTool(app, dev.key, name, args);
      if (r.isError || r.rpcError) throw new Error(`${name}: ${r.text}`);
      return r.structured;
    };
    const first = await call("start_run", { project: "shop", title: "Invoices" });
    await call("plan_work", { run_id: first.run_id, units: [{ title: "Invoice endpoint", paths: ["src/api/invoices.ts"] }] });
    await call("report_files", { run_id: first.run_id, action: "modified", paths: ["src/api/totals.ts"] });
    const finished = await call("finish_run", { run_id: first.run_id, outcome: "cancelled", summary: "Stopped early", learnings: ["Invoice totals are integers in cents", "Refunds reuse the invoice id"] });
    expect(finished.notes_recorded).toBe(2);
    const stored = (await allNotes()).filter((n) => n.runId === first.run_id);
    expect(stored.map((n) => n.authorKind)).toEqual(["agent", "agent"]);
    expect(stored.map((n) => n.status)).toEqual(["proposed", "proposed"]);
    expect(stored.every((n) => n.authorUserId === dev.userId)).toBe(true);

    app.clock.advance(1000);
    const human = await note("A newer note by a person, without paths");
    // Not yet approved: neither the lead's agent nor the author's own next run receives them.
    expect((await notesFor(lead)).map((n) => n.id)).toEqual([human]);
    expect((await call("start_run", { project: "shop", title: "Refunds" })).notes.map((n: any) => n.id)).toEqual([human]);

    for (const n of stored) await approveNote({ ctx: app.ctx(author), input: { project: "shop", noteId: n.id } });
    const next = await call("start_run", { project: "shop", title: "Refunds again" });
    const notes = next.notes as any[];
    expect(notes).toHaveLength(3);
    expect(notes.slice(0, 2).map((n) => n.body).sort()).toEqual(["Invoice totals are integers in cents", "Refunds reuse the invoice id"]);
    for (const n of notes.slice(0, 2)) {
      expect(n.author_kind).toBe("agent");
      expect([...n.paths].sort()).toEqual(["src/api/invoices.ts", "src/api/totals.ts"]);
    }
    expect(notes[2]).toMatchObject({ id: human, author_kind: "human" });
  });

  test("learnings of a run whose finish was refused are not stored", async () => {
    const start = await callTool(app, dev.key, "start_run", { project: "shop", title: "Too early" });
    const refused = await callTool(app, dev.key, "finish_run", { run_id: start.structured.run_id, outcome: "completed", summary: "done?", learnings: ["should not be kept"] });
    expect(refused.isError).toBe(true);
    expect(await allNotes()).toEqual([]);
    expect((await callTool(app, dev.key, "start_run", { project: "shop", title: "Again" })).structured.notes).toEqual([]);
  });
});
