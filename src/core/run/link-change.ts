import type { z } from "zod";
import type { Ctx } from "../context.ts";
import { invalid } from "../errors.ts";
import { screenInput } from "../scan/screen-input.ts";
import { transact } from "../transact.ts";
import { parseInput } from "../validate.ts";
import { assertOpen, loadOwnRun, requireAgent } from "./access.ts";
import { LinkChangeInput, type LinkChangeOutput } from "./schemas.ts";

/** Links a branch, pull request URL or commit to a run (fields not given stay as they were). */
export async function linkChange({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<z.infer<typeof LinkChangeOutput>> {
  const actor = requireAgent(ctx);
  const data = parseInput(LinkChangeInput, input);
  if (data.branch === undefined && data.pr_url === undefined && data.commit_sha === undefined) {
    throw invalid("body: give at least one of branch, pr_url, commit_sha", { fields: ["branch", "pr_url", "commit_sha"] });
  }
  const [branch, prUrl] = await screenInput(ctx, [
    { field: "branch", value: data.branch ?? "", max: 255 },
    { field: "pr_url", value: data.pr_url ?? "", max: 2048 },
    { field: "commit_sha", value: data.commit_sha ?? "" },
  ], { runId: data.run_id });
  return transact(ctx, async (tx, record) => {
    const run = await loadOwnRun(tx, actor, data.run_id);
    assertOpen(run);
    const patch = {
      branch: data.branch !== undefined ? branch! : run.branch,
      prUrl: data.pr_url !== undefined ? prUrl! : run.prUrl,
      commitSha: data.commit_sha !== undefined ? data.commit_sha.toLowerCase() : run.commitSha,
    };
    await tx.runs.linkChange(run.id, patch, ctx.clock.now());
    await record({ type: "change.linked", runId: run.id, projectId: run.projectId, meta: { branch: data.branch !== undefined, prUrl: data.pr_url !== undefined, commitSha: patch.commitSha } });
    return { run_id: run.id, branch: patch.branch, pr_url: patch.prUrl, commit_sha: patch.commitSha };
  });
}
