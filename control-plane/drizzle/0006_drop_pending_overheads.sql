-- Overheads still waiting for their record move to invocation_overheads, where every overhead now lives.
INSERT INTO "invocation_overheads" ("request_id", "overhead_ms", "received_at") SELECT "request_id", "overhead_ms", "received_at" FROM "invocation_pending_overheads" ON CONFLICT DO NOTHING;
--> statement-breakpoint
DROP TABLE "invocation_pending_overheads" CASCADE;
