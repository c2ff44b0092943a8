CREATE TABLE `audit_streams` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`kind` text NOT NULL,
	`url` text NOT NULL,
	`ca_pem` text,
	`event_types` text NOT NULL,
	`project_ids` text NOT NULL,
	`enabled` integer NOT NULL,
	`source` text NOT NULL,
	`acked_seq` integer NOT NULL,
	`acked_at` integer,
	`delivered` integer NOT NULL,
	`failures` integer NOT NULL,
	`last_error` text,
	`last_error_at` integer,
	`retry_at` integer NOT NULL,
	`lease_owner` text,
	`lease_until` integer NOT NULL,
	`created_at` integer NOT NULL,
	`created_by` text,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `audit_streams_enabled_idx` ON `audit_streams` (`enabled`);--> statement-breakpoint
ALTER TABLE `audit_events` ADD `trace_parent` text;