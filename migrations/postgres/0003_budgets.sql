CREATE TABLE "budget_marks" (
	"key" text PRIMARY KEY NOT NULL,
	"project_id" text NOT NULL,
	"run_id" text,
	"scope" text NOT NULL,
	"percent" bigint NOT NULL,
	"limit_tokens" bigint NOT NULL,
	"used_tokens" bigint NOT NULL,
	"period" text NOT NULL,
	"created_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "job_leases" (
	"name" text PRIMARY KEY NOT NULL,
	"holder" text NOT NULL,
	"lease_until" bigint NOT NULL,
	"last_run_at" bigint
);
--> statement-breakpoint
CREATE TABLE "project_budgets" (
	"project_id" text PRIMARY KEY NOT NULL,
	"monthly_tokens" bigint,
	"run_tokens" bigint,
	"updated_at" bigint NOT NULL,
	"updated_by" text
);
--> statement-breakpoint
CREATE TABLE "project_usage_months" (
	"project_id" text NOT NULL,
	"month" text NOT NULL,
	"tokens" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "run_budgets" (
	"run_id" text PRIMARY KEY NOT NULL,
	"limit_tokens" bigint,
	"project_extra_tokens" bigint NOT NULL,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "runbook_proposals" (
	"id" text PRIMARY KEY NOT NULL,
	"pattern" text NOT NULL,
	"rule" text NOT NULL,
	"runbook_id" text,
	"project_id" text,
	"target" text NOT NULL,
	"base_version_id" text,
	"phases" text,
	"module_name" text,
	"role" text,
	"from_level" text,
	"to_level" text,
	"changes" text NOT NULL,
	"weakening" integer NOT NULL,
	"evidence" text NOT NULL,
	"status" text NOT NULL,
	"created_at" bigint NOT NULL,
	"first_approved_by" text,
	"decided_by" text,
	"decided_at" bigint,
	"decision_reason" text,
	"muted_until" bigint,
	"version_id" text
);
--> statement-breakpoint
ALTER TABLE "budget_marks" ADD CONSTRAINT "budget_marks_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "project_budgets" ADD CONSTRAINT "project_budgets_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "project_usage_months" ADD CONSTRAINT "project_usage_months_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "run_budgets" ADD CONSTRAINT "run_budgets_run_id_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "runbook_proposals" ADD CONSTRAINT "runbook_proposals_runbook_id_runbooks_id_fk" FOREIGN KEY ("runbook_id") REFERENCES "public"."runbooks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "runbook_proposals" ADD CONSTRAINT "runbook_proposals_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "budget_marks_project_idx" ON "budget_marks" USING btree ("project_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "project_usage_months_unique" ON "project_usage_months" USING btree ("project_id","month");--> statement-breakpoint
CREATE INDEX "runbook_proposals_status_idx" ON "runbook_proposals" USING btree ("status","created_at");--> statement-breakpoint
CREATE INDEX "runbook_proposals_pattern_idx" ON "runbook_proposals" USING btree ("pattern","status");