CREATE TABLE `runbook_changes` (
	`id` text PRIMARY KEY NOT NULL,
	`runbook_id` text NOT NULL,
	`base_version_id` text NOT NULL,
	`phases` text NOT NULL,
	`loosenings` text NOT NULL,
	`status` text NOT NULL,
	`proposed_by` text NOT NULL,
	`proposed_at` integer NOT NULL,
	`decided_by` text,
	`decided_at` integer,
	`decision_reason` text,
	`version_id` text,
	FOREIGN KEY (`runbook_id`) REFERENCES `runbooks`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `runbook_changes_runbook_idx` ON `runbook_changes` (`runbook_id`,`status`);--> statement-breakpoint
ALTER TABLE `knowledge_notes` ADD `status` text DEFAULT 'approved' NOT NULL;--> statement-breakpoint
ALTER TABLE `knowledge_notes` ADD `reviewed_by` text;--> statement-breakpoint
ALTER TABLE `knowledge_notes` ADD `updated_at` integer;--> statement-breakpoint
-- Learnings agents wrote before review existed go back to review: they reached other agents unread.
UPDATE `knowledge_notes` SET `status` = 'proposed' WHERE `author_kind` = 'agent';
