-- PostgreSQL only: request counters every node sees, so several nodes share each plugin key's
-- per-minute limit. Unlogged (a crash only forgets the current minute's counts); old windows are
-- pruned by the nodes.
CREATE UNLOGGED TABLE "rate_windows" (
	"key" text NOT NULL,
	"window_start" bigint NOT NULL,
	"count" bigint NOT NULL,
	PRIMARY KEY ("key", "window_start")
);
