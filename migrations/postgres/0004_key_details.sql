ALTER TABLE "plugin_keys" ADD COLUMN "last_address" text;--> statement-breakpoint
ALTER TABLE "plugin_keys" ADD COLUMN "client_name" text;--> statement-breakpoint
ALTER TABLE "plugin_keys" ADD COLUMN "client_version" text;--> statement-breakpoint
ALTER TABLE "plugin_keys" ADD COLUMN "calls" bigint DEFAULT 0 NOT NULL;