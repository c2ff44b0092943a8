DROP INDEX "checkpoints_run_idx";--> statement-breakpoint
CREATE INDEX "checkpoints_run_status_idx" ON "checkpoints" USING btree ("run_id","status","requested_at");