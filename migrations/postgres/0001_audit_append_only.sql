-- The audit trail is append-only in the database itself: UPDATE is always refused, DELETE only
-- while the retention purge holds the window open inside its own (audited) transaction. The
-- chain is serialised by the writers' transaction lock; a unique prev_hash backs it up.
INSERT INTO "audit_purge_window" ("id", "open") VALUES (1, 0);
--> statement-breakpoint
CREATE UNIQUE INDEX "audit_events_prev_hash_unique" ON "audit_events" ("prev_hash");
--> statement-breakpoint
CREATE FUNCTION "audit_events_refuse_update"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_events is append-only';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER "audit_events_no_update" BEFORE UPDATE ON "audit_events"
FOR EACH ROW EXECUTE FUNCTION "audit_events_refuse_update"();
--> statement-breakpoint
CREATE FUNCTION "audit_events_refuse_delete"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF (SELECT "open" FROM "audit_purge_window" WHERE "id" = 1) IS DISTINCT FROM 1 THEN
    RAISE EXCEPTION 'audit_events is append-only';
  END IF;
  RETURN OLD;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER "audit_events_no_delete" BEFORE DELETE ON "audit_events"
FOR EACH ROW EXECUTE FUNCTION "audit_events_refuse_delete"();
--> statement-breakpoint
CREATE TRIGGER "audit_events_no_truncate" BEFORE TRUNCATE ON "audit_events"
FOR EACH STATEMENT EXECUTE FUNCTION "audit_events_refuse_update"();
--> statement-breakpoint
CREATE FUNCTION "audit_purge_window_refuse_delete"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_purge_window cannot be deleted';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER "audit_purge_window_no_delete" BEFORE DELETE ON "audit_purge_window"
FOR EACH ROW EXECUTE FUNCTION "audit_purge_window_refuse_delete"();
