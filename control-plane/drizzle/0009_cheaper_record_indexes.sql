-- Cheaper to store: the words index skips rows without words (a GIN index keeps an entry for each NULL), and the overheads are pruned by a BRIN block-range index on received_at instead of a B-tree entry per overhead.
DROP INDEX "invocation_overheads_received_idx";--> statement-breakpoint
DROP INDEX "invocations_search_idx";--> statement-breakpoint
CREATE INDEX "invocation_overheads_received_idx" ON "invocation_overheads" USING brin ("received_at");--> statement-breakpoint
CREATE INDEX "invocations_search_idx" ON "invocations" USING gin ("search_vector") WHERE search_vector IS NOT NULL;