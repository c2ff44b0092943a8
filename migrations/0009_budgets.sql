CREATE TABLE `budget_marks` (
	`key` text PRIMARY KEY NOT NULL,
	`project_id` text NOT NULL,
	`run_id` text,
	`scope` text NOT NULL,
	`percent` integer NOT NULL,
	`limit_tokens` integer NOT NULL,
	`used_tokens` integer NOT NULL,
	`period` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`project_id`) REFERENCES `projects`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `budget_marks_project_idx` ON `budget_marks` (`project_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `job_leases` (
	`name` text PRIMARY KEY NOT NULL,
	`holder` text NOT NULL,
	`lease_until` integer NOT NULL,
	`last_run_at` integer
);
--> statement-breakpoint
CREATE TABLE `project_budgets` (
	`project_id` text PRIMARY KEY NOT NULL,
	`monthly_tokens` integer,
	`run_tokens` integer,
	`updated_at` integer NOT NULL,
	`updated_by` text,
	FOREIGN KEY (`project_id`) REFERENCES `projects`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `project_usage_months` (
	`project_id` text NOT NULL,
	`month` text NOT NULL,
	`tokens` integer NOT NULL,
	FOREIGN KEY (`project_id`) REFERENCES `projects`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `project_usage_months_unique` ON `project_usage_months` (`project_id`,`month`);--> statement-breakpoint
CREATE TABLE `run_budgets` (
	`run_id` text PRIMARY KEY NOT NULL,
	`limit_tokens` integer,
	`project_extra_tokens` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`run_id`) REFERENCES `runs`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `runbook_proposals` (
	`id` text PRIMARY KEY NOT NULL,
	`pattern` text NOT NULL,
	`rule` text NOT NULL,
	`runbook_id` text,
	`project_id` text,
	`target` text NOT NULL,
	`base_version_id` text,
	`phases` text,
	`module_name` text,
	`role` text,
	`from_level` text,
	`to_level` text,
	`changes` text NOT NULL,
	`weakening` integer NOT NULL,
	`evidence` text NOT NULL,
	`status` text NOT NULL,
	`created_at` integer NOT NULL,
	`first_approved_by` text,
	`decided_by` text,
	`decided_at` integer,
	`decision_reason` text,
	`muted_until` integer,
	`version_id` text,
	FOREIGN KEY (`runbook_id`) REFERENCES `runbooks`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`project_id`) REFERENCES `projects`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `runbook_proposals_status_idx` ON `runbook_proposals` (`status`,`created_at`);--> statement-breakpoint
CREATE INDEX `runbook_proposals_pattern_idx` ON `runbook_proposals` (`pattern`,`status`);