-- The audit trail is append-only in the database itself: UPDATE is always refused, DELETE only
-- while the retention purge holds the window open inside its own (audited) transaction.
INSERT INTO `audit_purge_window` (`id`, `open`) VALUES (1, 0);
--> statement-breakpoint
CREATE TRIGGER `audit_events_no_update` BEFORE UPDATE ON `audit_events`
BEGIN
  SELECT RAISE(ABORT, 'audit_events is append-only');
END;
--> statement-breakpoint
CREATE TRIGGER `audit_events_no_delete` BEFORE DELETE ON `audit_events`
WHEN (SELECT `open` FROM `audit_purge_window` WHERE `id` = 1) IS NOT 1
BEGIN
  SELECT RAISE(ABORT, 'audit_events is append-only');
END;
--> statement-breakpoint
CREATE TRIGGER `audit_purge_window_no_delete` BEFORE DELETE ON `audit_purge_window`
BEGIN
  SELECT RAISE(ABORT, 'audit_purge_window cannot be deleted');
END;
