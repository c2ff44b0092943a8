DROP INDEX `checkpoints_run_idx`;--> statement-breakpoint
CREATE INDEX `checkpoints_run_status_idx` ON `checkpoints` (`run_id`,`status`,`requested_at`);