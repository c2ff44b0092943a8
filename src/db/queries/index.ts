import type { Queries } from "../../core/store.ts";
import { auditQueries } from "./audit.ts";
import { budgetQueries } from "./budget.ts";
import { checkpointQueries } from "./checkpoint.ts";
import { identityQueries } from "./identity.ts";
import { keyQueries } from "./key.ts";
import { knowledgeQueries } from "./knowledge.ts";
import { minerQueries } from "./miner.ts";
import { notifyQueries } from "./notify.ts";
import { projectQueries } from "./project.ts";
import { runQueries } from "./run.ts";
import { runbookQueries } from "./runbook.ts";
import { settingQueries } from "./setting.ts";
import { streamQueries } from "./stream.ts";
import { userQueries } from "./user.ts";
import type { SqliteDb } from "./sqlite-db.ts";

/** Every domain's statements, prepared once on one connection and reused for its lifetime. */
export function createQueries(db: SqliteDb): Queries {
  return {
    audit: auditQueries(db),
    budgets: budgetQueries(db),
    checkpoints: checkpointQueries(db),
    identity: identityQueries(db),
    keys: keyQueries(db),
    knowledge: knowledgeQueries(db),
    miner: minerQueries(db),
    notify: notifyQueries(db),
    projects: projectQueries(db),
    runs: runQueries(db),
    runbooks: runbookQueries(db),
    settings: settingQueries(db),
    streams: streamQueries(db),
    users: userQueries(db),
  };
}

type QueryMethod = (...args: unknown[]) => Promise<unknown>;

/** The same namespaces with every query method passed through `wrap` (what a store adds around each read). */
export function wrapQueries(queries: Queries, wrap: (method: QueryMethod) => QueryMethod): Queries {
  const wrapped: Record<string, Record<string, QueryMethod>> = {};
  for (const [domain, methods] of Object.entries(queries)) {
    wrapped[domain] = Object.fromEntries(Object.entries(methods as Record<string, QueryMethod>).map(([name, method]) => [name, wrap(method)]));
  }
  return wrapped as unknown as Queries;
}
