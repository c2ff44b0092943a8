ALTER TABLE `plugin_keys` ADD `last_address` text;--> statement-breakpoint
ALTER TABLE `plugin_keys` ADD `client_name` text;--> statement-breakpoint
ALTER TABLE `plugin_keys` ADD `client_version` text;--> statement-breakpoint
ALTER TABLE `plugin_keys` ADD `calls` integer DEFAULT 0 NOT NULL;