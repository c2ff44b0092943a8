CREATE TABLE "audit_events" (
	"seq" bigint PRIMARY KEY NOT NULL,
	"at" bigint NOT NULL,
	"type" text NOT NULL,
	"actor_kind" text NOT NULL,
	"actor_id" text,
	"actor_user_id" text,
	"run_id" text,
	"project_id" text,
	"subject" text,
	"meta" text NOT NULL,
	"prev_hash" text NOT NULL,
	"hash" text NOT NULL,
	"trace_parent" text
);
--> statement-breakpoint
CREATE TABLE "audit_purge_window" (
	"id" bigint PRIMARY KEY NOT NULL,
	"open" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "audit_streams" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"kind" text NOT NULL,
	"url" text NOT NULL,
	"ca_pem" text,
	"event_types" text NOT NULL,
	"project_ids" text NOT NULL,
	"enabled" integer NOT NULL,
	"source" text NOT NULL,
	"acked_seq" bigint NOT NULL,
	"acked_at" bigint,
	"delivered" bigint NOT NULL,
	"failures" bigint NOT NULL,
	"last_error" text,
	"last_error_at" bigint,
	"retry_at" bigint NOT NULL,
	"lease_owner" text,
	"lease_until" bigint NOT NULL,
	"created_at" bigint NOT NULL,
	"created_by" text,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "builds" (
	"id" text PRIMARY KEY NOT NULL,
	"run_id" text NOT NULL,
	"phase" text NOT NULL,
	"kind" text NOT NULL,
	"exit_code" bigint NOT NULL,
	"duration_ms" bigint NOT NULL,
	"log_tail" text,
	"created_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "checkpoints" (
	"id" text PRIMARY KEY NOT NULL,
	"run_id" text NOT NULL,
	"kind" text NOT NULL,
	"target_phase" text,
	"reason" text NOT NULL,
	"summary" text,
	"required_role" text NOT NULL,
	"status" text NOT NULL,
	"requested_at" bigint NOT NULL,
	"expires_at" bigint NOT NULL,
	"decided_at" bigint,
	"decided_by" text,
	"decider_role" text,
	"decision_reason" text
);
--> statement-breakpoint
CREATE TABLE "drift_signals" (
	"id" text PRIMARY KEY NOT NULL,
	"run_id" text NOT NULL,
	"kind" text NOT NULL,
	"path" text,
	"detail" text NOT NULL,
	"created_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "file_reports" (
	"id" text PRIMARY KEY NOT NULL,
	"run_id" text NOT NULL,
	"action" text NOT NULL,
	"path" text NOT NULL,
	"access" text NOT NULL,
	"created_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "knowledge_notes" (
	"id" text PRIMARY KEY NOT NULL,
	"project_id" text NOT NULL,
	"body" text NOT NULL,
	"paths" text NOT NULL,
	"author_kind" text NOT NULL,
	"author_user_id" text,
	"run_id" text,
	"created_at" bigint NOT NULL,
	"status" text DEFAULT 'approved' NOT NULL,
	"reviewed_by" text,
	"updated_at" bigint
);
--> statement-breakpoint
CREATE TABLE "login_throttle" (
	"subject" text PRIMARY KEY NOT NULL,
	"failures" bigint NOT NULL,
	"locked_until" bigint NOT NULL,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "module_access" (
	"module_id" text NOT NULL,
	"role" text NOT NULL,
	"level" text NOT NULL,
	CONSTRAINT "module_access_module_id_role_pk" PRIMARY KEY("module_id","role")
);
--> statement-breakpoint
CREATE TABLE "modules" (
	"id" text PRIMARY KEY NOT NULL,
	"project_id" text NOT NULL,
	"name" text NOT NULL,
	"globs" text NOT NULL,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "notification_channels" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"kind" text NOT NULL,
	"enabled" integer NOT NULL,
	"events" text NOT NULL,
	"project_ids" text NOT NULL,
	"audience_role" text NOT NULL,
	"personal" integer NOT NULL,
	"allow_private_network" integer NOT NULL,
	"config" text NOT NULL,
	"secret_sealed" text,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL,
	"updated_by" text
);
--> statement-breakpoint
CREATE TABLE "notification_deliveries" (
	"id" text PRIMARY KEY NOT NULL,
	"outbox_id" text NOT NULL,
	"channel_id" text NOT NULL,
	"user_id" text,
	"address" text,
	"dedupe" text NOT NULL,
	"kind" text NOT NULL,
	"message" text NOT NULL,
	"status" text NOT NULL,
	"attempts" bigint NOT NULL,
	"next_attempt_at" bigint NOT NULL,
	"lease_until" bigint NOT NULL,
	"last_error" text,
	"last_attempt_at" bigint,
	"delivered_at" bigint,
	"created_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "notification_outbox" (
	"id" text PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"event_seq" bigint,
	"run_id" text,
	"project_id" text,
	"checkpoint_id" text,
	"meta" text NOT NULL,
	"dedupe_key" text,
	"occurred_at" bigint NOT NULL,
	"expanded_at" bigint
);
--> statement-breakpoint
CREATE TABLE "notification_preferences" (
	"user_id" text PRIMARY KEY NOT NULL,
	"events" text NOT NULL,
	"email" integer NOT NULL,
	"ntfy_topic" text,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "password_reset_tokens" (
	"token_hash" text PRIMARY KEY NOT NULL,
	"user_id" text NOT NULL,
	"created_at" bigint NOT NULL,
	"expires_at" bigint NOT NULL,
	"used_at" bigint
);
--> statement-breakpoint
CREATE TABLE "plugin_keys" (
	"id" text PRIMARY KEY NOT NULL,
	"user_id" text NOT NULL,
	"name" text NOT NULL,
	"hash" text NOT NULL,
	"hint" text NOT NULL,
	"created_at" bigint NOT NULL,
	"expires_at" bigint,
	"last_used_at" bigint,
	"revoked_at" bigint,
	"revoked_by" text
);
--> statement-breakpoint
CREATE TABLE "projects" (
	"id" text PRIMARY KEY NOT NULL,
	"slug" text NOT NULL,
	"name" text NOT NULL,
	"remote_url" text,
	"protected_globs" text NOT NULL,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "run_claims" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"project_id" text NOT NULL,
	"run_id" text NOT NULL,
	"path" text NOT NULL,
	"source" text NOT NULL,
	"claimed_at" bigint NOT NULL,
	"refreshed_at" bigint NOT NULL,
	"ended_at" bigint,
	"end_reason" text
);
--> statement-breakpoint
CREATE TABLE "runbook_changes" (
	"id" text PRIMARY KEY NOT NULL,
	"runbook_id" text NOT NULL,
	"base_version_id" text NOT NULL,
	"phases" text NOT NULL,
	"loosenings" text NOT NULL,
	"status" text NOT NULL,
	"proposed_by" text NOT NULL,
	"proposed_at" bigint NOT NULL,
	"decided_by" text,
	"decided_at" bigint,
	"decision_reason" text,
	"version_id" text
);
--> statement-breakpoint
CREATE TABLE "runbook_versions" (
	"id" text PRIMARY KEY NOT NULL,
	"runbook_id" text NOT NULL,
	"version" bigint NOT NULL,
	"phases" text NOT NULL,
	"created_by" text,
	"created_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "runbooks" (
	"id" text PRIMARY KEY NOT NULL,
	"project_id" text,
	"name" text NOT NULL,
	"created_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "runs" (
	"id" text PRIMARY KEY NOT NULL,
	"project_id" text NOT NULL,
	"runbook_version_id" text NOT NULL,
	"title" text NOT NULL,
	"ticket" text,
	"owner_user_id" text NOT NULL,
	"key_id" text,
	"status" text NOT NULL,
	"phase" text NOT NULL,
	"phase_entered_at" bigint NOT NULL,
	"branch" text,
	"pr_url" text,
	"commit_sha" text,
	"input_tokens" bigint DEFAULT 0 NOT NULL,
	"output_tokens" bigint DEFAULT 0 NOT NULL,
	"cache_tokens" bigint DEFAULT 0 NOT NULL,
	"calls" bigint DEFAULT 0 NOT NULL,
	"summary" text,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL,
	"finished_at" bigint
);
--> statement-breakpoint
CREATE TABLE "sessions" (
	"id" text PRIMARY KEY NOT NULL,
	"user_id" text NOT NULL,
	"created_at" bigint NOT NULL,
	"last_seen_at" bigint NOT NULL,
	"expires_at" bigint NOT NULL,
	"revoked_at" bigint,
	"client_address" text
);
--> statement-breakpoint
CREATE TABLE "settings" (
	"key" text PRIMARY KEY NOT NULL,
	"value" text NOT NULL,
	"updated_at" bigint NOT NULL,
	"updated_by" text
);
--> statement-breakpoint
CREATE TABLE "setup_tokens" (
	"token_hash" text PRIMARY KEY NOT NULL,
	"created_at" bigint NOT NULL,
	"expires_at" bigint NOT NULL,
	"used_at" bigint
);
--> statement-breakpoint
CREATE TABLE "sso_identities" (
	"provider" text NOT NULL,
	"subject" text NOT NULL,
	"user_id" text NOT NULL,
	"created_at" bigint NOT NULL,
	"last_login_at" bigint NOT NULL,
	CONSTRAINT "sso_identities_provider_subject_pk" PRIMARY KEY("provider","subject")
);
--> statement-breakpoint
CREATE TABLE "sso_sessions" (
	"session_id" text PRIMARY KEY NOT NULL,
	"provider" text NOT NULL,
	"subject" text NOT NULL,
	"sealed_refresh_token" text,
	"vouched_until" bigint,
	"checked_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "usage_reports" (
	"id" text PRIMARY KEY NOT NULL,
	"run_id" text NOT NULL,
	"model" text NOT NULL,
	"input_tokens" bigint NOT NULL,
	"output_tokens" bigint NOT NULL,
	"cache_tokens" bigint NOT NULL,
	"calls" bigint NOT NULL,
	"created_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "users" (
	"id" text PRIMARY KEY NOT NULL,
	"email" text NOT NULL,
	"name" text NOT NULL,
	"password_hash" text NOT NULL,
	"role" text NOT NULL,
	"disabled" integer DEFAULT 0 NOT NULL,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL,
	"erased_at" bigint
);
--> statement-breakpoint
CREATE TABLE "work_units" (
	"id" text PRIMARY KEY NOT NULL,
	"run_id" text NOT NULL,
	"position" bigint NOT NULL,
	"title" text NOT NULL,
	"paths" text NOT NULL,
	"status" text NOT NULL,
	"note" text,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
ALTER TABLE "builds" ADD CONSTRAINT "builds_run_id_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "checkpoints" ADD CONSTRAINT "checkpoints_run_id_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "drift_signals" ADD CONSTRAINT "drift_signals_run_id_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "file_reports" ADD CONSTRAINT "file_reports_run_id_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "knowledge_notes" ADD CONSTRAINT "knowledge_notes_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "module_access" ADD CONSTRAINT "module_access_module_id_modules_id_fk" FOREIGN KEY ("module_id") REFERENCES "public"."modules"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "modules" ADD CONSTRAINT "modules_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "password_reset_tokens" ADD CONSTRAINT "password_reset_tokens_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "plugin_keys" ADD CONSTRAINT "plugin_keys_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "run_claims" ADD CONSTRAINT "run_claims_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "run_claims" ADD CONSTRAINT "run_claims_run_id_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "runbook_changes" ADD CONSTRAINT "runbook_changes_runbook_id_runbooks_id_fk" FOREIGN KEY ("runbook_id") REFERENCES "public"."runbooks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "runbook_versions" ADD CONSTRAINT "runbook_versions_runbook_id_runbooks_id_fk" FOREIGN KEY ("runbook_id") REFERENCES "public"."runbooks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "runbooks" ADD CONSTRAINT "runbooks_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "runs" ADD CONSTRAINT "runs_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "runs" ADD CONSTRAINT "runs_runbook_version_id_runbook_versions_id_fk" FOREIGN KEY ("runbook_version_id") REFERENCES "public"."runbook_versions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "runs" ADD CONSTRAINT "runs_owner_user_id_users_id_fk" FOREIGN KEY ("owner_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "runs" ADD CONSTRAINT "runs_key_id_plugin_keys_id_fk" FOREIGN KEY ("key_id") REFERENCES "public"."plugin_keys"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sso_identities" ADD CONSTRAINT "sso_identities_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sso_sessions" ADD CONSTRAINT "sso_sessions_session_id_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."sessions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "usage_reports" ADD CONSTRAINT "usage_reports_run_id_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "work_units" ADD CONSTRAINT "work_units_run_id_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "audit_events_type_idx" ON "audit_events" USING btree ("type","seq");--> statement-breakpoint
CREATE INDEX "audit_events_run_idx" ON "audit_events" USING btree ("run_id","seq");--> statement-breakpoint
CREATE INDEX "audit_events_actor_idx" ON "audit_events" USING btree ("actor_id","seq");--> statement-breakpoint
CREATE INDEX "audit_events_at_idx" ON "audit_events" USING btree ("at");--> statement-breakpoint
CREATE INDEX "audit_streams_enabled_idx" ON "audit_streams" USING btree ("enabled");--> statement-breakpoint
CREATE INDEX "builds_run_idx" ON "builds" USING btree ("run_id","created_at");--> statement-breakpoint
CREATE INDEX "checkpoints_status_idx" ON "checkpoints" USING btree ("status","requested_at");--> statement-breakpoint
CREATE INDEX "checkpoints_run_idx" ON "checkpoints" USING btree ("run_id");--> statement-breakpoint
CREATE INDEX "drift_signals_run_idx" ON "drift_signals" USING btree ("run_id");--> statement-breakpoint
CREATE INDEX "drift_signals_time_idx" ON "drift_signals" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "file_reports_run_idx" ON "file_reports" USING btree ("run_id");--> statement-breakpoint
CREATE INDEX "knowledge_notes_project_idx" ON "knowledge_notes" USING btree ("project_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "modules_project_name_unique" ON "modules" USING btree ("project_id","name");--> statement-breakpoint
CREATE UNIQUE INDEX "notification_deliveries_dedupe_unique" ON "notification_deliveries" USING btree ("dedupe");--> statement-breakpoint
CREATE INDEX "notification_deliveries_due_idx" ON "notification_deliveries" USING btree ("status","next_attempt_at");--> statement-breakpoint
CREATE INDEX "notification_deliveries_channel_idx" ON "notification_deliveries" USING btree ("channel_id","status","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "notification_outbox_dedupe_unique" ON "notification_outbox" USING btree ("dedupe_key");--> statement-breakpoint
CREATE INDEX "notification_outbox_expanded_idx" ON "notification_outbox" USING btree ("expanded_at","occurred_at");--> statement-breakpoint
CREATE INDEX "password_reset_tokens_user_idx" ON "password_reset_tokens" USING btree ("user_id");--> statement-breakpoint
CREATE UNIQUE INDEX "plugin_keys_hash_unique" ON "plugin_keys" USING btree ("hash");--> statement-breakpoint
CREATE INDEX "plugin_keys_user_idx" ON "plugin_keys" USING btree ("user_id");--> statement-breakpoint
CREATE UNIQUE INDEX "projects_slug_unique" ON "projects" USING btree ("slug");--> statement-breakpoint
CREATE UNIQUE INDEX "run_claims_live_path" ON "run_claims" USING btree ("project_id","path") WHERE "run_claims"."ended_at" IS NULL;--> statement-breakpoint
CREATE INDEX "run_claims_run_idx" ON "run_claims" USING btree ("run_id","ended_at");--> statement-breakpoint
CREATE INDEX "runbook_changes_runbook_idx" ON "runbook_changes" USING btree ("runbook_id","status");--> statement-breakpoint
CREATE UNIQUE INDEX "runbook_versions_unique" ON "runbook_versions" USING btree ("runbook_id","version");--> statement-breakpoint
CREATE INDEX "runs_status_idx" ON "runs" USING btree ("status","updated_at");--> statement-breakpoint
CREATE INDEX "runs_owner_idx" ON "runs" USING btree ("owner_user_id");--> statement-breakpoint
CREATE INDEX "runs_project_idx" ON "runs" USING btree ("project_id");--> statement-breakpoint
CREATE INDEX "runs_owner_open_idx" ON "runs" USING btree ("owner_user_id","updated_at") WHERE "runs"."status" NOT IN ('completed', 'failed', 'cancelled');--> statement-breakpoint
CREATE INDEX "sessions_user_idx" ON "sessions" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "sso_identities_user_idx" ON "sso_identities" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "usage_reports_run_idx" ON "usage_reports" USING btree ("run_id");--> statement-breakpoint
CREATE INDEX "usage_reports_time_idx" ON "usage_reports" USING btree ("created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "users_email_unique" ON "users" USING btree ("email");--> statement-breakpoint
CREATE INDEX "work_units_run_idx" ON "work_units" USING btree ("run_id","position");