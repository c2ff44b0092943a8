// GET /api/runs?sort=&direction= (issue 13, finding 9: sortable tables): the server orders every
// run, not one loaded page, and pages through that order with its cursor; a masked reader's search
// pages the same order.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { reportUsage } from "../../src/core/run/report-usage.ts";
import { startRun } from "../../src/core/run/start-run.ts";
import { createTestApp, seedUser, type TestApp } from "../support/app.ts";
import { api } from "../support/http.ts";
import { seedAgent } from "../support/mcp.ts";
import { seedCanaryProject } from "../support/projects.ts";
import { sessionHeaders } from "../support/session-cookie.ts";

let app: TestApp;
let lead: Record<string, string>;
let dev: Record<string, string>;
// Title → tokens reported; started one after another (created order = this order).
const RUNS: [string, number][] = [["alpha", 500], ["bravo", 10], ["charlie", 9_000], ["delta", 10], ["echo", 70]];

beforeAll(async () => {
  app = await createTestApp();
  await seedCanaryProject(app);
  const agent = await seedAgent(app, "lead");
  const ctx = app.ctx(agent.actor);
  for (const [title, tokens] of RUNS) {
    app.clock.advance(1_000);
    const id = (await startRun({ ctx, input: { project: "shop", title: `Story ${title}` } })).run_id;
    await reportUsage({ ctx, input: { run_id: id, model: "m", input_tokens: tokens, output_tokens: 0 } });
  }
  // Touch the first-started run last, so "updated" and "created" orders differ.
  app.clock.advance(1_000);
  const first = (await api(app, "GET", "/api/runs?sort=created&direction=asc&limit=1", { headers: await sessionHeaders(app, agent.human) })).json.runs[0].id;
  await reportUsage({ ctx, input: { run_id: first, model: "m", input_tokens: 0, output_tokens: 0 } });
  lead = await sessionHeaders(app, agent.human);
  dev = await sessionHeaders(app, (await seedUser(app, "developer")).actor);
});
afterAll(() => app.dispose());

/** Every page of the list in `query`, two runs a page: the titles in order and the totals each page reported. */
async function allPages(headers: Record<string, string>, query: string): Promise<{ titles: string[]; totals: number[] }> {
  const titles: string[] = [];
  const totals: number[] = [];
  let cursor: string | null = null;
  do {
    const page = await api(app, "GET", `/api/runs?${query}&limit=2${cursor ? `&cursor=${cursor}` : ""}`, { headers });
    expect(page.status).toBe(200);
    titles.push(...page.json.runs.map((r: any) => r.title.replace("Story ", "")));
    totals.push(page.json.total);
    cursor = page.json.nextCursor;
  } while (cursor);
  return { titles, totals };
}

describe("sorting the runs list on the server", () => {
  test("?sort=tokens pages through every run, most tokens first, ties broken the same way both directions, across pages", async () => {
    const tokens = new Map(RUNS);
    const desc = (await allPages(lead, "sort=tokens")).titles;
    const asc = (await allPages(lead, "sort=tokens&direction=asc")).titles;
    // bravo and delta tie at 10 tokens, on different pages of two.
    expect(desc.map((t) => tokens.get(t))).toEqual([9_000, 500, 70, 10, 10]);
    expect(asc).toEqual([...desc].reverse());
  });

  test.each([
    ["sort=created", ["echo", "delta", "charlie", "bravo", "alpha"]],
    ["sort=created&direction=asc", ["alpha", "bravo", "charlie", "delta", "echo"]],
    ["sort=updated", ["alpha", "echo", "delta", "charlie", "bravo"]],
    ["direction=asc", ["bravo", "charlie", "delta", "echo", "alpha"]],
  ])("?%s pages through every run in that order, each run once, with the true total", async (query, expected) => {
    const { titles, totals } = await allPages(lead, query);
    expect(titles).toEqual(expected);
    expect(new Set(totals)).toEqual(new Set([5]));
  });

  test("a masked reader's search pages the same order (the scan keeps the sort)", async () => {
    const masked = (await allPages(dev, "q=story&sort=tokens&direction=asc")).titles;
    expect(masked).toEqual((await allPages(lead, "sort=tokens&direction=asc")).titles);
    expect(masked.slice(2)).toEqual(["echo", "alpha", "charlie"]);
  });

  test("an unknown sort or direction is refused with the field named, and nothing is listed", async () => {
    for (const query of ["sort=title", "direction=up"]) {
      const refused = await api(app, "GET", `/api/runs?${query}`, { headers: lead });
      expect(refused.status).toBe(400);
      expect(refused.json.error.details.fields).toEqual([query.split("=")[0]]);
      expect(refused.json.runs).toBeUndefined();
    }
  });
});
