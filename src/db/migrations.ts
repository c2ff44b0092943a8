// The only importer of /migrations. Text imports are embedded into the compiled binary, so `bun test`,
// `npm start` and the executable apply the very same SQL. A test fails when this list and the
// folder drift apart: add a line here for every file drizzle-kit generates.
import m0000 from "../../migrations/0000_initial.sql" with { type: "text" };
import m0001 from "../../migrations/0001_audit_append_only.sql" with { type: "text" };
import m0002 from "../../migrations/0002_four_eyes_policy.sql" with { type: "text" };
import m0003 from "../../migrations/0003_run_claims.sql" with { type: "text" };
import m0004 from "../../migrations/0004_password_reset.sql" with { type: "text" };
import m0005 from "../../migrations/0005_runs_owner_open.sql" with { type: "text" };
import m0006 from "../../migrations/0006_audit_streams.sql" with { type: "text" };
import m0007 from "../../migrations/0007_notifications.sql" with { type: "text" };
import m0008 from "../../migrations/0008_sso_identities.sql" with { type: "text" };
import m0009 from "../../migrations/0009_budgets.sql" with { type: "text" };
import m0010 from "../../migrations/0010_key_details.sql" with { type: "text" };
import m0011 from "../../migrations/0011_checkpoints_run_status.sql" with { type: "text" };

export interface Migration {
  readonly name: string;
  readonly sql: string;
}

export const MIGRATIONS: readonly Migration[] = Object.freeze([
  { name: "0000_initial", sql: m0000 },
  { name: "0001_audit_append_only", sql: m0001 },
  { name: "0002_four_eyes_policy", sql: m0002 },
  { name: "0003_run_claims", sql: m0003 },
  { name: "0004_password_reset", sql: m0004 },
  { name: "0005_runs_owner_open", sql: m0005 },
  { name: "0006_audit_streams", sql: m0006 },
  { name: "0007_notifications", sql: m0007 },
  { name: "0008_sso_identities", sql: m0008 },
  { name: "0009_budgets", sql: m0009 },
  { name: "0010_key_details", sql: m0010 },
  { name: "0011_checkpoints_run_status", sql: m0011 },
]);
