CREATE TABLE "invocation_overheads" (
	"request_id" text PRIMARY KEY NOT NULL,
	"overhead_ms" double precision NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "invocation_overheads_received_idx" ON "invocation_overheads" USING btree ("received_at");