-- Failures only: nearly every row is 'ok', and indexing those cost every insert; lists filtered to failures use this index.
DROP INDEX "invocations_status_started_idx";--> statement-breakpoint
CREATE INDEX "invocations_status_started_idx" ON "invocations" USING btree ("status","started_at" DESC NULLS LAST) WHERE status <> 'ok';