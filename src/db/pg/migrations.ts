// The only importer of /migrations/postgres (embedded into the binary like the SQLite ones). A
// test fails when this list and the folder drift apart.
import type { Migration } from "../migrations.ts";
import m0000 from "../../../migrations/postgres/0000_initial.sql" with { type: "text" };
import m0001 from "../../../migrations/postgres/0001_audit_append_only.sql" with { type: "text" };
import m0002 from "../../../migrations/postgres/0002_shared_counters.sql" with { type: "text" };
import m0003 from "../../../migrations/postgres/0003_budgets.sql" with { type: "text" };
import m0004 from "../../../migrations/postgres/0004_key_details.sql" with { type: "text" };
import m0005 from "../../../migrations/postgres/0005_checkpoints_run_status.sql" with { type: "text" };

export const PG_MIGRATIONS: readonly Migration[] = Object.freeze([
  { name: "0000_initial", sql: m0000 },
  { name: "0001_audit_append_only", sql: m0001 },
  { name: "0002_shared_counters", sql: m0002 },
  { name: "0003_budgets", sql: m0003 },
  { name: "0004_key_details", sql: m0004 },
  { name: "0005_checkpoints_run_status", sql: m0005 },
]);
