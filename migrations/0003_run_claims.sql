CREATE TABLE `run_claims` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`project_id` text NOT NULL,
	`run_id` text NOT NULL,
	`path` text NOT NULL,
	`source` text NOT NULL,
	`claimed_at` integer NOT NULL,
	`refreshed_at` integer NOT NULL,
	`ended_at` integer,
	`end_reason` text,
	FOREIGN KEY (`project_id`) REFERENCES `projects`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`run_id`) REFERENCES `runs`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `run_claims_live_path` ON `run_claims` (`project_id`,`path`) WHERE "run_claims"."ended_at" IS NULL;--> statement-breakpoint
CREATE INDEX `run_claims_run_idx` ON `run_claims` (`run_id`,`ended_at`);