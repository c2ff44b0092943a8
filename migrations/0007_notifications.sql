CREATE TABLE `notification_channels` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`kind` text NOT NULL,
	`enabled` integer NOT NULL,
	`events` text NOT NULL,
	`project_ids` text NOT NULL,
	`audience_role` text NOT NULL,
	`personal` integer NOT NULL,
	`allow_private_network` integer NOT NULL,
	`config` text NOT NULL,
	`secret_sealed` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`updated_by` text
);
--> statement-breakpoint
CREATE TABLE `notification_deliveries` (
	`id` text PRIMARY KEY NOT NULL,
	`outbox_id` text NOT NULL,
	`channel_id` text NOT NULL,
	`user_id` text,
	`address` text,
	`dedupe` text NOT NULL,
	`kind` text NOT NULL,
	`message` text NOT NULL,
	`status` text NOT NULL,
	`attempts` integer NOT NULL,
	`next_attempt_at` integer NOT NULL,
	`lease_until` integer NOT NULL,
	`last_error` text,
	`last_attempt_at` integer,
	`delivered_at` integer,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `notification_deliveries_dedupe_unique` ON `notification_deliveries` (`dedupe`);--> statement-breakpoint
CREATE INDEX `notification_deliveries_due_idx` ON `notification_deliveries` (`status`,`next_attempt_at`);--> statement-breakpoint
CREATE INDEX `notification_deliveries_channel_idx` ON `notification_deliveries` (`channel_id`,`status`,`created_at`);--> statement-breakpoint
CREATE TABLE `notification_outbox` (
	`id` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`event_seq` integer,
	`run_id` text,
	`project_id` text,
	`checkpoint_id` text,
	`meta` text NOT NULL,
	`dedupe_key` text,
	`occurred_at` integer NOT NULL,
	`expanded_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `notification_outbox_dedupe_unique` ON `notification_outbox` (`dedupe_key`);--> statement-breakpoint
CREATE INDEX `notification_outbox_expanded_idx` ON `notification_outbox` (`expanded_at`,`occurred_at`);--> statement-breakpoint
CREATE TABLE `notification_preferences` (
	`user_id` text PRIMARY KEY NOT NULL,
	`events` text NOT NULL,
	`email` integer NOT NULL,
	`ntfy_topic` text,
	`updated_at` integer NOT NULL
);
